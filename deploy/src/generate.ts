import { writeFileSync } from 'node:fs';
import { generatedFiles } from './generated-files.ts';

// Writes the generated rule file and dashboards; a test fails when the committed copies differ.
for (const [path, content] of Object.entries(generatedFiles())) {
  writeFileSync(new URL(`../${path}`, import.meta.url), content);
  console.log(`wrote deploy/${path}`);
}
