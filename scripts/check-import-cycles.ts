/**
 * Fails when the import graph of the product has a loop (`npm run check:cycles`, run by CI).
 *
 * Reads every TypeScript file under the given folders with TypeScript's own pre-processor
 * (imports, `export … from`, `import()` and `require()`), resolves the relative specifiers the
 * way the compiler does for this project (file, `.ts`, `.tsx`, `/index.ts`), and reports each
 * strongly connected group of files that import one another, type-only imports included: a
 * type-only loop still means two files that cannot be read apart.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..');
const FOLDERS = process.argv.slice(2).length ? process.argv.slice(2) : ['lib', 'functions', 'tools', 'infra', 'scripts', 'bench'];

function sourceFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  return [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find(
    (candidate) => existsSync(candidate) && statSync(candidate).isFile() && /\.tsx?$/.test(candidate),
  );
}

export function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    graph.set(
      file,
      importedFiles.map((i) => resolveSpecifier(file, i.fileName)).filter((f): f is string => f !== undefined),
    );
  }
  return graph;
}

/** Tarjan's strongly connected components; every component of two or more files is a loop. */
export function importLoops(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const dep of graph.get(file) ?? []) {
      if (!index.has(dep)) {
        visit(dep);
        low.set(file, Math.min(low.get(file) as number, low.get(dep) as number));
      } else if (onStack.has(dep)) low.set(file, Math.min(low.get(file) as number, index.get(dep) as number));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) loops.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return loops;
}

if (require.main === module) {
  const files = FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)));
  const loops = importLoops(importGraph(files));
  if (loops.length === 0) {
    console.log(`import graph: ${files.length} files, no loops`);
  } else {
    for (const loop of loops) console.error(`import loop: ${loop.map((f) => relative(ROOT, f)).join(' ⇄ ')}`);
    process.exitCode = 1;
  }
}
