/**
 * Pure validation helpers shared by every component. Each check returns problems instead of throwing,
 * so that a component (or the stack program) can report every bad value in one message that names
 * the argument path, the bad value and what is allowed.
 */
import { imageIsPinned } from "./contract";

/** One invalid argument: where it is, what it was, and what would have been accepted. */
export interface ArgProblem {
    /** Dotted path of the argument, relative to the component's args (for example `storage.size`). */
    path: string;
    /** The value that was given. */
    value: unknown;
    /** A sentence fragment describing what is allowed. */
    allowed: string;
}

/** Thrown when component arguments or stack configuration are invalid; lists every problem. */
export class ArgsError extends Error {
    /** The individual problems, in the order they were found. */
    public readonly problems: ArgProblem[];

    /**
     * @param subject What was being validated, for example `Eureka "eureka"` or `stack config`.
     * @param problems The problems found; must not be empty.
     * @param prefix Prepended to every problem path (for example `stateful-k8s:eureka.`).
     */
    constructor(subject: string, problems: ArgProblem[], prefix = "") {
        const lines = problems.map((p) => `  - ${prefix}${p.path}: got ${describe(p.value)}; allowed: ${p.allowed}`);
        super(`Invalid ${subject}:\n${lines.join("\n")}`);
        this.name = "ArgsError";
        this.problems = problems.map((p) => ({ ...p, path: `${prefix}${p.path}` }));
    }
}

/** Renders a value for an error message (strings quoted, objects as JSON). */
export function describe(value: unknown): string {
    if (value === undefined) {
        return "nothing (the value is missing)";
    }
    if (typeof value === "string") {
        return JSON.stringify(value);
    }
    try {
        return JSON.stringify(value) ?? String(value);
    } catch {
        // A value JSON cannot render (a BigInt, a cycle); String() itself throws for an object without toString.
        try {
            return String(value);
        } catch {
            return Object.prototype.toString.call(value);
        }
    }
}

/** Throws an {@link ArgsError} when `problems` is not empty. */
export function throwIfProblems(subject: string, problems: ArgProblem[], prefix = ""): void {
    if (problems.length > 0) {
        throw new ArgsError(subject, problems, prefix);
    }
}

/** Checks that `value` is a whole number within `[min, max]`. */
export function checkInteger(
    problems: ArgProblem[],
    path: string,
    value: unknown,
    min: number,
    max = Number.MAX_SAFE_INTEGER,
): value is number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
        problems.push({ path, value, allowed: `a whole number ${range}` });
        return false;
    }
    return true;
}

/**
 * The most members of any kind a component accepts. Eureka, Nacos, RabbitMQ and Redis write every
 * member's name into each member's configuration, so the count sizes the pod spec (a billion replicas
 * would exhaust memory before Kubernetes could refuse them).
 */
export const MAX_REPLICAS = 1000;

/** Checks that a whole number of members is at most {@link MAX_REPLICAS}; true when it is. */
export function checkReplicaCeiling(problems: ArgProblem[], path: string, value: number): boolean {
    if (value > MAX_REPLICAS) {
        problems.push({ path, value, allowed: `at most ${MAX_REPLICAS} (member lists in the pods' configuration grow with the count)` });
        return false;
    }
    return true;
}

/** Checks a replica count: a whole number from 1 to {@link MAX_REPLICAS}, and odd when `odd` is set (quorum systems). */
export function checkReplicas(problems: ArgProblem[], path: string, value: unknown, rule: "any" | "odd" | "standaloneOrOddQuorum"): void {
    if (!checkInteger(problems, path, value, 1) || !checkReplicaCeiling(problems, path, value)) {
        return;
    }
    if (rule === "odd" && value % 2 === 0) {
        problems.push({
            path,
            value,
            allowed: "an odd whole number (1, 3, 5, ...): an even quorum tolerates no more failures than the odd number below it",
        });
    }
    if (rule === "standaloneOrOddQuorum" && (value === 2 || value % 2 === 0)) {
        problems.push({
            path,
            value,
            allowed:
                "1 (standalone) or an odd whole number >= 3 (cluster): an even quorum tolerates no more failures than the odd number below it",
        });
    }
}

const QUANTITY = /^([0-9]+(\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** Checks a Kubernetes storage quantity such as `10Gi` (binary or decimal suffix, positive). */
export function checkStorageSize(problems: ArgProblem[], path: string, value: unknown): void {
    if (typeof value !== "string" || !QUANTITY.test(value) || Number.parseFloat(value) <= 0) {
        problems.push({
            path,
            value,
            allowed: 'a positive Kubernetes quantity such as "1Gi", "500Mi" or "20G"',
        });
    }
}

const CPU = /^([0-9]+(\.[0-9]+)?m?)$/;
const MEMORY = /^([0-9]+(\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;

/** Checks an optional CPU quantity (`500m`, `2`). */
export function checkCpu(problems: ArgProblem[], path: string, value: unknown): void {
    if (value !== undefined && (typeof value !== "string" || !CPU.test(value))) {
        problems.push({ path, value, allowed: 'a Kubernetes CPU quantity such as "250m" or "2"' });
    }
}

/** Checks an optional memory quantity (`512Mi`, `2Gi`). */
export function checkMemory(problems: ArgProblem[], path: string, value: unknown): void {
    if (value !== undefined && (typeof value !== "string" || !MEMORY.test(value))) {
        problems.push({ path, value, allowed: 'a Kubernetes memory quantity such as "512Mi" or "2Gi"' });
    }
}

/** Checks that an image reference carries a pinned tag or digest, never `latest` or no tag. */
export function checkImage(problems: ArgProblem[], path: string, value: unknown): void {
    if (typeof value !== "string" || value.trim() === "" || /\s/.test(value)) {
        problems.push({ path, value, allowed: 'an image reference such as "rabbitmq:4.1.4-management"' });
        return;
    }
    if (!imageIsPinned(value)) {
        problems.push({
            path,
            value,
            allowed: 'an image with a pinned tag or digest (never untagged or "latest")',
        });
    }
}

/** Checks that `value` is one of a closed set of strings. */
export function checkOneOf(problems: ArgProblem[], path: string, value: unknown, allowed: readonly string[]): void {
    if (typeof value !== "string" || !allowed.includes(value)) {
        problems.push({ path, value, allowed: `one of ${allowed.map((a) => `"${a}"`).join(", ")}` });
    }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks a Kubernetes object name used as a DNS label (RFC 1123, at most `max` characters). */
export function checkDnsLabel(problems: ArgProblem[], path: string, value: unknown, max = 63): void {
    if (typeof value !== "string" || value.length > max || !DNS_LABEL.test(value)) {
        problems.push({
            path,
            value,
            allowed: `a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most ${max} characters`,
        });
    }
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Checks a Kubernetes object name that is a DNS subdomain (RFC 1123: DNS labels joined by ".", at most 253 characters), such as a StorageClass name. */
export function checkDnsSubdomain(problems: ArgProblem[], path: string, value: unknown): void {
    if (typeof value !== "string" || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
        problems.push({
            path,
            value,
            allowed:
                'a DNS subdomain: lower-case letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit, at most 253 characters',
        });
    }
}

/** Checks that a map of labels has string keys and values. */
export function checkStringMap(problems: ArgProblem[], path: string, value: unknown): void {
    if (value === undefined) {
        return;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== "string")) {
        problems.push({ path, value, allowed: "a map of string keys to string values" });
    }
}

/** Checks that a value is a boolean when present. */
export function checkBoolean(problems: ArgProblem[], path: string, value: unknown): void {
    if (value !== undefined && typeof value !== "boolean") {
        problems.push({ path, value, allowed: "true or false" });
    }
}

/** Checks that a required value is a non-empty string without line breaks or NUL characters. */
export function checkText(problems: ArgProblem[], path: string, value: unknown, what: string): void {
    if (typeof value !== "string" || value.trim() === "" || /[\r\n\0]/.test(value)) {
        problems.push({ path, value, allowed: `${what}: a non-empty string on one line` });
    }
}

/**
 * Checks that a required secret is present: a non-empty string, or a Pulumi Output or promise (whose
 * value is known only at deployment). A number, boolean, list or plain object is refused, since
 * Kubernetes would refuse it in the Secret.
 */
export function checkPresent(problems: ArgProblem[], path: string, value: unknown, what: string): void {
    const deferred =
        typeof value === "object" && value !== null && (isPulumiOutput(value) || typeof (value as { then?: unknown }).then === "function");
    if (!deferred && (typeof value !== "string" || value === "")) {
        problems.push({ path, value, allowed: what });
    }
}

/** True for a Pulumi Output (the SDK marks each with `__pulumiOutput`; tested here to keep this module free of the SDK). */
function isPulumiOutput(value: object): boolean {
    return (value as { __pulumiOutput?: unknown }).__pulumiOutput === true;
}

/** True for a plain object (not null, not a list). */
export function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks that an optional group of arguments (`storage`, `resources`, ...) is an object when present.
 * @returns true when the group is present and an object, so that its keys can be checked.
 */
export function checkGroup(
    problems: ArgProblem[],
    path: string,
    value: unknown,
    keys: readonly string[],
): value is Record<string, unknown> {
    if (value === undefined) return false;
    if (!isObject(value)) {
        problems.push({ path, value, allowed: `an object with the keys ${keys.join(", ")} (each optional), or nothing` });
        return false;
    }
    return true;
}

/** Checks a size-and-class storage group (`size`, `storageClassName`) at `path`. */
export function checkSizedStorage(
    problems: ArgProblem[],
    path: string,
    storage: { size?: string; storageClassName?: string } | undefined,
): void {
    if (!checkGroup(problems, path, storage, ["size", "storageClassName"])) return;
    if (storage?.size !== undefined) checkStorageSize(problems, `${path}.size`, storage.size);
    if (storage?.storageClassName !== undefined) checkDnsSubdomain(problems, `${path}.storageClassName`, storage.storageClassName);
}

/** Checks a Prometheus duration such as `30s` or `1m`, when present. */
export function checkDuration(problems: ArgProblem[], path: string, value: unknown): void {
    if (value !== undefined && (typeof value !== "string" || !/^[0-9]+(ms|s|m|h)$/.test(value))) {
        problems.push({ path, value, allowed: 'a Prometheus duration such as "30s" or "1m"' });
    }
}
