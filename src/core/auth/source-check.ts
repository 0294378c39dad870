// The source allowlist: Safaricom's published callback addresses by default (SPEC.md §1.4), modes off/report/enforce.
import { inRanges, type Cidr } from "./cidr.ts";

export const SAFARICOM_CALLBACK_IPS = [
  "196.201.214.200", "196.201.214.206", "196.201.214.207", "196.201.214.208",
  "196.201.213.114", "196.201.213.44",
  "196.201.212.127", "196.201.212.129", "196.201.212.136", "196.201.212.138", "196.201.212.74", "196.201.212.69",
] as const;

export type SourceMode = "off" | "report" | "enforce";
export type SourceVerdict = "unchecked" | "listed" | "unlisted";

export function checkSource(address: string | null, allowlist: readonly Cidr[], mode: SourceMode): { verdict: SourceVerdict; refuse: boolean } {
  if (mode === "off") return { verdict: "unchecked", refuse: false };
  const listed = address !== null && inRanges(address, allowlist);
  return { verdict: listed ? "listed" : "unlisted", refuse: !listed && mode === "enforce" };
}
