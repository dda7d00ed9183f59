/**
 * Writes the binary documents of the built-in sample library
 * (resources/sample-docs/*.docx, *.pdf) with the same small writers the ingest
 * tests use, so the files are reproducible and contain only our own text.
 * Run: npx tsx scripts/make-sample-docs.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDocx } from './documentWriters/docxWriter.js';
import { makePdf } from './documentWriters/pdfWriter.js';

const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'sample-docs');

const policy = makeDocx([
  { text: 'Northwind Remote Work Policy', style: 'Title' },
  {
    text: 'This policy explains who may work from home, when, and with what equipment. It applies to all Northwind employees.',
  },
  { text: 'Eligibility', style: 'Heading1' },
  {
    text: 'Employees may work remotely up to three days a week once they have completed their three-month probation period. Team leads agree the remote days with each person at the start of the month.',
  },
  { text: 'Working hours', style: 'Heading1' },
  {
    text: 'Core hours are 10:00 to 15:00 local time. During core hours you must be reachable by chat and phone, and attend scheduled meetings with your camera on.',
  },
  { text: 'Equipment and allowance', style: 'Heading1' },
  {
    text: 'Northwind provides a laptop, a headset and a monitor. Each employee may also claim a one-time home office allowance of 300 euros for a desk or chair; submit the receipt in the expense system within 60 days of purchase.',
  },
  { text: 'Security', style: 'Heading1' },
  {
    text: 'Always connect through the company VPN. Never work on confidential documents over public Wi-Fi without the VPN, and lock your screen whenever you leave the laptop.',
  },
]);
writeFileSync(path.join(outDir, 'remote-work-policy.docx'), policy);

const warranty = makePdf(
  [
    {
      lines: [
        'Aurora 2 Espresso Machine - Warranty Card',
        '',
        'Warranty period: two years from the date of purchase.',
        'Keep this card together with your receipt.',
        '',
        'The warranty covers defects in materials and workmanship.',
        'It does not cover damage from limescale, dropping the machine,',
        'or repairs made by anyone other than an authorised service centre.',
        '',
        'Service hotline: +49 30 1234 5678 (Monday to Friday, 9:00 to 17:00).',
      ],
    },
    {
      lines: [
        'Aurora 2 咖啡机保修卡',
        '',
        '保修期：自购买之日起两年。',
        '请将本卡与购物发票一起妥善保存。',
        '',
        '保修范围：材料和做工缺陷。',
        '水垢、摔落或非授权维修造成的损坏不在保修范围内。',
        '',
        '客服热线：400 820 1234（周一至周五 9:00-17:00）。',
      ],
    },
  ],
  { title: 'Aurora 2 Warranty Card / 保修卡' },
);
writeFileSync(path.join(outDir, 'aurora-warranty-card.pdf'), warranty);
console.log(`wrote remote-work-policy.docx and aurora-warranty-card.pdf to ${outDir}`);
