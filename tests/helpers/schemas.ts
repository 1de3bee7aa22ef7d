/**
 * Validates manifests against official schemas: built-in kinds with `kubernetes-models` (generated from
 * the Kubernetes OpenAPI spec), custom resources with the upstream CRDs in `../shared/crds/` and the few
 * upstream CRDs that folder lacks, kept unmodified in this repository's `crds/` (see its README).
 */
import Ajv from "ajv";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";

/**
 * Folder of the unmodified upstream CRDs (read from there, never copied): `$STATEFUL_K8S_SHARED/crds`,
 * or the first `shared/crds` beside the checkout or one of its parent folders.
 */
export const SHARED_CRDS = findSharedCrds();

/** Upstream CRDs that `../shared/crds` lacks, unmodified, with their provenance in `crds/README.md`. */
export const OWN_CRDS = path.resolve(__dirname, "..", "..", "crds");

function findSharedCrds(): string {
    if (process.env.STATEFUL_K8S_SHARED !== undefined) return path.join(process.env.STATEFUL_K8S_SHARED, "crds");
    for (let dir = path.resolve(__dirname, "..", ".."); ; dir = path.dirname(dir)) {
        const candidate = path.join(path.dirname(dir), "shared", "crds");
        if (fs.existsSync(candidate)) return candidate;
        if (path.dirname(dir) === dir) {
            throw new Error("shared/crds not found beside the checkout or its parents: set STATEFUL_K8S_SHARED to the shared folder");
        }
    }
}

interface CrdVersion {
    name: string;
    schema?: { openAPIV3Schema?: object };
}
interface Crd {
    kind: string;
    spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

const crdSchemas = new Map<string, object>();
function loadCrds(): void {
    if (crdSchemas.size > 0) return;
    const folders = [SHARED_CRDS, OWN_CRDS].flatMap((root) =>
        fs
            .readdirSync(root, { withFileTypes: true })
            .filter((d) => d.isDirectory())
            .map((d) => path.join(root, d.name)),
    );
    for (const folder of folders) {
        for (const file of fs.readdirSync(folder).filter((f) => f.endsWith(".yaml"))) {
            for (const doc of yaml.loadAll(fs.readFileSync(path.join(folder, file), "utf8")) as Crd[]) {
                if (doc?.kind !== "CustomResourceDefinition") continue;
                for (const v of doc.spec.versions) {
                    if (v.schema?.openAPIV3Schema) {
                        crdSchemas.set(`${doc.spec.group}/${v.name}/${doc.spec.names.kind}`, v.schema.openAPIV3Schema);
                    }
                }
            }
        }
    }
}

/**
 * CRD patterns are Go (RE2) regular expressions; the PrometheusRule CRD's `partial_response_strategy`
 * uses the inline flag `(?i)`, which JavaScript lacks: it becomes the `i` flag.
 */
function goRegExp(pattern: string, flags: string): RegExp {
    const inline = /^(\^?)\(\?i\)/.exec(pattern);
    return inline === null ? new RegExp(pattern, flags) : new RegExp(inline[1] + pattern.slice(inline[0].length), `${flags}i`);
}

const ajv = new Ajv({ strict: false, allErrors: true, logger: false, code: { regExp: goRegExp as never } });

/** A real dynamic `import()` (kubernetes-models is ESM-only; TypeScript's CommonJS output would turn `import()` into `require`). */
const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<Record<string, unknown>>;

/** Validates one manifest; returns the schema errors (empty when valid). Throws for a kind with no known schema. */
export async function schemaErrors(manifest: { apiVersion: string; kind: string }): Promise<string[]> {
    const [group, version] = manifest.apiVersion.includes("/") ? manifest.apiVersion.split("/") : ["", manifest.apiVersion];
    const builtin = `kubernetes-models/${group === "" ? version : `${group}/${version}`}`;
    let Model: (new (data: object) => { validate(): void }) | undefined;
    try {
        Model = (await importEsm(builtin))[manifest.kind] as typeof Model;
    } catch {
        Model = undefined;
    }
    if (Model !== undefined) {
        try {
            new Model(manifest).validate();
            return [];
        } catch (err) {
            return [(err as Error).message];
        }
    }
    loadCrds();
    const schema = crdSchemas.get(`${group}/${version}/${manifest.kind}`);
    if (schema === undefined) {
        throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
    }
    const validate = ajv.compile(schema);
    return validate(manifest) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
