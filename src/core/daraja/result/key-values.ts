// ResultParameter and ReferenceItem lists (SPEC §5): every item kept by its Key, never by position. Keys lose stray
// spaces ("Conversation ID" in the 2017 documents, SPEC §7); an item without Value is kept as "".
import type { Problem } from "../../result.ts";
import { isObject, readText } from "../tolerant.ts";

export interface KeyValues {
  values: Record<string, string>;
  paths: Map<string, string>; // each key → the path of its value, for warnings about it
}

/** `list` as normaliseBody leaves it (an array, or a lone object already wrapped); `path` names it in warnings. */
export function readKeyValues(list: unknown, path: string, warnings: Problem[]): KeyValues {
  const out: KeyValues = { values: {}, paths: new Map() };
  if (list === undefined || list === null || list === "") return out;
  if (!Array.isArray(list)) return out; // the shape check already warned
  list.forEach((item, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(item)) return; // the shape check already warned
    const key = readText(item.Key)?.replace(/\s+/g, "");
    if (key === undefined || key === null) return; // no Key, or not a scalar: the shape check already warned
    if (key === "" || key === "__proto__") return warnings.push({ path: `${at}.Key`, message: `must name the parameter, got ${JSON.stringify(item.Key)}` });
    if (out.paths.has(key)) return warnings.push({ path: `${at}.Key`, message: `repeats "${key}"; the first one is kept` });
    out.paths.set(key, `${at}.Value`);
    // Daraja omits Value on items it has nothing for ({"Key":"TransactionReason"}); a Value of another kind was
    // warned about by the shape check. Both are kept, as "".
    const value = readText(item.Value);
    out.values[key] = value ?? "";
  });
  return out;
}
