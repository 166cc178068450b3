/** dockerfilelint ships CommonJS without types: the one function the deployment test uses. */
declare module 'dockerfilelint' {
  interface LintItem {
    title: string;
    description: string;
    category: string;
    line: number;
    rule: string;
  }
  const dockerfilelint: { run(configPath: string, content: string): LintItem[] };
  export default dockerfilelint;
}
