// Where this code runs from: its TypeScript sources in a checkout (through tsx and the npm scripts), or the built
// package's JavaScript (through the `ingraph` bin). Messages name the command that works in each.

/** True in a checkout run through tsx, false in the built package. */
export const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** What the user types to run ingraph command `name` (`doctor`, `setup-cuda`, `train`, ...) where they are. */
export function commandLine(name: string, args = ''): string {
  const script = name === 'setup-cuda' ? 'setup:cuda' : name;
  const cmd = FROM_SOURCE ? `npm run ${script}${args ? ' --' : ''}` : `npx ingraph ${name}`;
  return args ? `${cmd} ${args}` : cmd;
}
