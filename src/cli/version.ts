// The version the binary reports: package version plus the commit it was built from (set by scripts/build.sh).
import pkg from "../../package.json" with { type: "json" };

declare const BUILD_COMMIT: string | undefined;

export const VERSION: string = pkg.version;
export const COMMIT: string = typeof BUILD_COMMIT === "string" ? BUILD_COMMIT : "dev";
export const VERSION_LINE = `mpesa-cb ${VERSION} (${COMMIT})`;
