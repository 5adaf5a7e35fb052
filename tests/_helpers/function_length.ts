/**
 * Function lengths of TypeScript files, measured with a `deno lint` plugin rule run through
 * `Deno.lint.runPlugin` (so only inside `deno test`): every function declaration, function
 * expression (object methods included) and arrow function longer than a limit, with a name from
 * its declaration, the property or the variable it is assigned to.
 */

/** One function longer than the limit. */
export interface LongFunction {
  /** File path as given. */
  file: string;
  /** 1-based line of its start. */
  line: number;
  /** Its name (`run` of an object literal is `run`; an anonymous arrow is `arrow`). */
  name: string;
  /** Lines from the first to the last, both included. */
  lines: number;
}

type AnyNode = Deno.lint.Node & {
  range: [number, number];
  parent?: AnyNode;
  id?: { name?: string } | null;
  key?: { name?: string; value?: string };
};

/** The name a function is known by. */
function functionName(node: AnyNode): string {
  if (node.id?.name) return node.id.name;
  const parent = node.parent;
  if (parent?.type === "Property" || parent?.type === "MethodDefinition") {
    return parent.key?.name ?? String(parent.key?.value ?? "method");
  }
  if (parent?.type === "VariableDeclarator") return parent.id?.name ?? "arrow";
  return node.type === "ArrowFunctionExpression" ? "arrow" : "function";
}

/** The plugin: one rule reporting each function longer than `limit` lines. */
function lengthPlugin(limit: number): Deno.lint.Plugin {
  return {
    name: "human-things",
    rules: {
      "function-length": {
        create(context) {
          const text = context.sourceCode.text;
          const starts = [0];
          for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
          const lineOf = (offset: number) => {
            let lo = 0, hi = starts.length - 1;
            while (lo < hi) {
              const mid = (lo + hi + 1) >> 1;
              if (starts[mid] <= offset) lo = mid;
              else hi = mid - 1;
            }
            return lo + 1;
          };
          const check = (node: Deno.lint.Node) => {
            const n = node as AnyNode;
            const first = lineOf(n.range[0]), last = lineOf(n.range[1] - 1);
            if (last - first + 1 > limit) {
              context.report({
                node,
                message: JSON.stringify({
                  name: functionName(n),
                  line: first,
                  lines: last - first + 1,
                }),
              });
            }
          };
          return {
            FunctionDeclaration: check,
            FunctionExpression: check,
            ArrowFunctionExpression: check,
          };
        },
      },
    },
  };
}

/** The functions of `files` longer than `limit` lines, longest first. */
export async function longFunctions(files: string[], limit: number): Promise<LongFunction[]> {
  const plugin = lengthPlugin(limit);
  const out: LongFunction[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(file);
    for (const d of Deno.lint.runPlugin(plugin, file, text)) {
      const { name, line, lines } = JSON.parse(d.message);
      out.push({ file, line, name, lines });
    }
  }
  return out.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line);
}
