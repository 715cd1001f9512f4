package dev.postee.rego.builtins;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Graphs and traversal: {@code walk} (a relation yielding {@code [path, value]} for every node,
 * the root first, children in OPA's order), {@code graph.reachable} and
 * {@code graph.reachable_paths} over adjacency objects whose values are arrays or sets of nodes.
 */
public final class GraphBuiltins implements BuiltinRegistrar {
  @Override
  public void register(BuiltinRegistry r) {
    r.relation("walk", (ctx, a, out) -> walk(ctx, new ArrayList<>(), a[0], out));
    r.function("graph.reachable", (ctx, a) -> reachable(ctx, Args.object(a, 0), initialNodes(a[1])));
    r.function("graph.reachable_paths", (ctx, a) -> reachablePaths(ctx, Args.object(a, 0), initialNodes(a[1])));
  }

  /** Pre-order walk; returns false once the consumer asked to stop. */
  private static boolean walk(BuiltinContext ctx, List<Value> path, Value node, Predicate<Value> out) {
    if (!out.test(ArrayValue.of(ArrayValue.of(path), node))) return false;
    switch (node) {
      case ArrayValue a -> {
        for (int i = 0; i < a.size(); i++) {
          if (!walkChild(ctx, path, NumberValue.of(i), a.get(i), out)) return false;
        }
      }
      case ObjectValue o -> {
        for (int i = 0; i < o.size(); i++) {
          if (!walkChild(ctx, path, o.keyAt(i), o.valueAt(i), out)) return false;
        }
      }
      case SetValue s -> {
        for (Value e : s.elements()) {
          if (!walkChild(ctx, path, e, e, out)) return false;
        }
      }
      default -> { }
    }
    return true;
  }

  private static boolean walkChild(BuiltinContext ctx, List<Value> path, Value key, Value child,
      Predicate<Value> out) {
    ctx.checkLimits();
    path.add(key);
    boolean more = walk(ctx, path, child, out);
    path.remove(path.size() - 1);
    return more;
  }

  private static List<Value> initialNodes(Value v) {
    if (v instanceof ArrayValue a) return a.asList();
    if (v instanceof SetValue s) return s.elements();
    throw BuiltinException.typeError("operand 2 must be {array, set} but got " + v.typeName());
  }

  /** Neighbours listed by an adjacency value; anything but an array or a set lists none. */
  private static List<Value> neighbours(Value edges) {
    if (edges instanceof ArrayValue a) return a.asList();
    if (edges instanceof SetValue s) return s.elements();
    return Collections.emptyList();
  }

  /** Breadth-first from the initial nodes; a node counts as reached only if the graph has it. */
  private static Value reachable(BuiltinContext ctx, ObjectValue graph, List<Value> initial) {
    ArrayDeque<Value> queue = new ArrayDeque<>(initial);
    SetValue.Builder reached = SetValue.builder();
    while (!queue.isEmpty()) {
      ctx.checkLimits();
      Value node = queue.poll();
      Value edges = graph.get(node);
      if (edges == null) continue;
      for (Value next : neighbours(edges)) {
        if (!reached.contains(next)) queue.add(next);
      }
      reached.add(node);
    }
    return reached.build();
  }

  /**
   * Every maximal path from each initial node: a path ends where a node has no edges, where a
   * neighbour is not in the graph (that neighbour is left out), or where it would close a cycle.
   */
  private static Value reachablePaths(BuiltinContext ctx, ObjectValue graph, List<Value> initial) {
    SetValue.Builder paths = SetValue.builder();
    for (Value node : initial) {
      Value edges = graph.get(node);
      if (edges == null) continue;
      List<Value> next = neighbours(edges);
      if (next.isEmpty()) {
        paths.add(ArrayValue.of(node));
        continue;
      }
      for (Value neighbour : next) {
        List<Value> path = new ArrayList<>();
        path.add(node);
        Set<Value> seen = new HashSet<>();
        seen.add(node);
        extendPath(ctx, graph, neighbour, path, seen, paths);
      }
    }
    return paths.build();
  }

  private static void extendPath(BuiltinContext ctx, ObjectValue graph, Value node, List<Value> path,
      Set<Value> seen, SetValue.Builder paths) {
    ctx.checkLimits();
    Value edges = graph.get(node);
    if (edges == null) {
      paths.add(ArrayValue.of(path));
      return;
    }
    path.add(node);
    List<Value> next = neighbours(edges);
    if (next.isEmpty()) {
      paths.add(ArrayValue.of(path));
    } else {
      boolean added = seen.add(node); // a self-loop from an initial node revisits it
      for (Value neighbour : next) {
        if (seen.contains(neighbour)) {
          paths.add(ArrayValue.of(path));
        } else {
          extendPath(ctx, graph, neighbour, path, seen, paths);
        }
      }
      if (added) seen.remove(node);
    }
    path.remove(path.size() - 1);
  }
}
