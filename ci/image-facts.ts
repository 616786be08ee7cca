// What a Dockerfile's final image is, read with dockerfile-ast (the parser behind VS Code's
// Dockerfile support): base images, the runtime stage's command, user, workdir, env, labels and
// what it copies. ci/test/image.test.ts holds these facts against the chart and the rules below.
import { DockerfileParser, type Instruction } from 'dockerfile-ast';

export interface ImageFacts {
  /** Every FROM image, with the global ARG defaults substituted. Stage references are left out. */
  baseImages: string[];
  cmd: string[] | null;
  entrypoint: string[] | null;
  workdir: string | null;
  user: string | null;
  stopSignal: string | null;
  env: Record<string, string>;
  labels: Record<string, string>;
  /** ADD/COPY of the final stage and every stage: [instruction, sources..., destination]. */
  copies: string[][];
  /** Every RUN command of every stage, and its stage name. */
  runs: { stage: string; command: string }[];
  /** ARG names of every stage (build arguments land in the build history). */
  args: string[];
}

const unquote = (s: string) => s.replace(/^"(.*)"$/, '$1');

export function imageFacts(text: string): ImageFacts {
  const file = DockerfileParser.parse(text);
  const globals = new Map<string, string>();
  for (const arg of file.getInitialARGs()) {
    const p = arg.getProperty();
    if (p) globals.set(p.getName(), unquote(p.getValue() ?? ''));
  }
  const stageNames = new Set<string>();
  const baseImages: string[] = [];
  const facts: ImageFacts = {
    baseImages,
    cmd: null,
    entrypoint: null,
    workdir: null,
    user: null,
    stopSignal: null,
    env: {},
    labels: {},
    copies: [],
    runs: [],
    args: [],
  };
  let stage = '';
  const all: Instruction[] = file.getInstructions();
  const lastFrom = all.map((i) => i.getKeyword()).lastIndexOf('FROM');
  all.forEach((ins, index) => {
    const keyword = ins.getKeyword();
    const args = ins.getArguments().map((a) => a.getValue());
    const final = index > lastFrom;
    const json = () => JSON.parse(ins.getArgumentsContent() ?? 'null') as string[];
    switch (keyword) {
      case 'FROM': {
        const image = (args[0] ?? '').replace(/\$\{?(\w+)\}?/g, (_, v) => globals.get(v) ?? '');
        if (!stageNames.has(image)) baseImages.push(image);
        stage = args[2] ?? image;
        stageNames.add(stage);
        break;
      }
      case 'ARG':
        if (index > 0) facts.args.push(...args.map((a) => a.split('=')[0] ?? a));
        break;
      case 'RUN':
        facts.runs.push({ stage, command: ins.getArgumentsContent() ?? '' });
        break;
      case 'COPY':
      case 'ADD':
        facts.copies.push([keyword, ...args.filter((a) => !a.startsWith('--'))]);
        break;
    }
    if (!final) return;
    switch (keyword) {
      case 'CMD':
        facts.cmd = json();
        break;
      case 'ENTRYPOINT':
        facts.entrypoint = json();
        break;
      case 'WORKDIR':
        facts.workdir = args[0] ?? null;
        break;
      case 'USER':
        facts.user = args[0] ?? null;
        break;
      case 'STOPSIGNAL':
        facts.stopSignal = args[0] ?? null;
        break;
      case 'ENV':
      case 'LABEL':
        for (const p of (
          ins as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }
        ).getProperties()) {
          (keyword === 'ENV' ? facts.env : facts.labels)[p.getName()] = unquote(p.getValue() ?? '');
        }
        break;
    }
  });
  return facts;
}

/** The rules every image here follows; one message per broken rule. */
export function imageProblems(f: ImageFacts, uid: number): string[] {
  const problems: string[] = [];
  for (const image of f.baseImages) {
    if (!/@sha256:[0-9a-f]{64}$/.test(image)) problems.push(`base image "${image}" is not pinned by digest`);
  }
  if (f.user !== `${uid}:${uid}`) problems.push(`USER must be the numeric ${uid}:${uid}, got ${f.user}`);
  if (!f.stopSignal) problems.push('no STOPSIGNAL');
  if (!f.cmd) problems.push('no exec-form CMD');
  for (const label of ['source', 'revision', 'version']) {
    const value = f.labels[`org.opencontainers.image.${label}`];
    if (!value?.startsWith('${')) problems.push(`OCI label ${label} must come from a build argument`);
  }
  const secretish = /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_KEY/i;
  for (const name of [...f.args, ...Object.keys(f.env)]) {
    if (secretish.test(name)) problems.push(`${name} looks like a secret baked into the image history`);
  }
  for (const [, ...paths] of f.copies) {
    for (const p of paths.slice(0, -1).filter((s) => !s.startsWith('https://'))) {
      if (/(^|\/)\.env|\.pem$|\.key$|id_rsa|\.npmrc$/.test(p))
        problems.push(`copies "${p}", which may hold a secret`);
    }
  }
  return problems;
}
