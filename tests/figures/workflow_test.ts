/** Workflow diagrams: layering, ordering, and that every stage node is a real deno task. */
import { strict as assert } from "node:assert";
import { DATA_WRANGLING } from "../../src/figures/workflow/data_wrangling.ts";
import {
  type Diagram,
  drawDiagram,
  layerNodes,
  orderLayers,
} from "../../src/figures/workflow/diagram.ts";
import { MODELING_EVALUATION } from "../../src/figures/workflow/modeling_evaluation.ts";
import { createDocument } from "../../src/figures/render.ts";

const diamond: Diagram = {
  nodes: [
    { id: "a", label: "A", kind: "source" },
    { id: "b", label: "B", kind: "stage" },
    { id: "c", label: "C", kind: "stage" },
    { id: "d", label: "D", kind: "output" },
    { id: "z", label: "Z", kind: "table", layer: 1 },
  ],
  edges: [
    { from: "a", to: "c" },
    { from: "a", to: "b" },
    { from: "b", to: "d" },
    { from: "c", to: "d" },
    { from: "b", to: "c" },
  ],
};

Deno.test("layerNodes: longest path from a source, explicit layers kept", () => {
  const layers = layerNodes(diamond);
  assert.deepEqual(Object.fromEntries(layers), { a: 0, b: 1, c: 2, d: 3, z: 1 });
  assert.throws(
    () => layerNodes({ ...diamond, edges: [...diamond.edges, { from: "d", to: "a" }] }),
    /cycle/,
  );
  assert.throws(
    () => layerNodes({ ...diamond, edges: [{ from: "a", to: "nope" }] }),
    /no node nope/,
  );
});

Deno.test("orderLayers: barycentre of predecessors, declaration order for ties", () => {
  const d: Diagram = {
    nodes: [
      { id: "l", label: "L", kind: "source" },
      { id: "r", label: "R", kind: "source" },
      { id: "x", label: "X", kind: "stage" },
      { id: "y", label: "Y", kind: "stage" },
    ],
    edges: [{ from: "r", to: "x" }, { from: "l", to: "y" }],
  };
  assert.deepEqual(orderLayers(d, layerNodes(d)), [["l", "r"], ["y", "x"]]);
});

Deno.test("every stage of the workflow diagrams is a deno task", async () => {
  const deno = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  const tasks = new Set(Object.keys(deno.tasks));
  for (const diagram of [DATA_WRANGLING, MODELING_EVALUATION]) {
    for (const node of diagram.nodes) {
      if (node.task) {
        assert.ok(tasks.has(node.task), `diagram stage ${node.id}: no task ${node.task}`);
      }
    }
  }
  // the modeling flow covers the pipeline in order
  const order = MODELING_EVALUATION.nodes.filter((n) => n.task).map((n) => n.task);
  for (
    const [before, after] of [["train", "embed"], ["embed", "bench"], ["bench", "figures"], [
      "figures",
      "site",
    ]]
  ) {
    assert.ok(order.indexOf(before) < order.indexOf(after), `${before} before ${after}`);
  }
});

Deno.test("drawDiagram draws one box per node and one arrow per edge", () => {
  for (const direction of ["down", "right"] as const) {
    const svg = drawDiagram({ document: createDocument(), width: 600 }, diamond, {
      width: 600,
      direction,
    });
    assert.equal(svg.querySelectorAll("rect").length, diamond.nodes.length);
    assert.equal(svg.querySelectorAll("path").length, diamond.edges.length);
    assert.equal(svg.querySelectorAll("polygon").length, diamond.edges.length);
    assert.ok(Number(svg.getAttribute("height")) > 0);
  }
});
