/** An error line, announced to screen readers when it appears. */
export function ErrorText({ message }: { message: string | null }) {
  return message ? (
    <p className="error-text" role="alert">
      {message}
    </p>
  ) : null;
}
