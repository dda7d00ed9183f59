/**
 * The held-out split of the built-in pack's tower training. Shared by train-builtin (which
 * holds these passages out) and train-ranker (which asks only about them, so the ranking
 * stage never learns from questions the towers memorised).
 */
export const TOWER_HELDOUT_FRACTION = 0.05;
