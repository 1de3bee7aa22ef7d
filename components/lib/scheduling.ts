/** The `scheduling` argument (where members run and how many a disruption may take down): defaults and checks. */
import { tolerableDisruptions } from "./contract";
import { SchedulingArgs } from "./types";
import { ArgProblem, checkBoolean, checkGroup, checkInteger, checkOneOf, checkStringMap } from "./validation";

/** The keys of {@link SchedulingArgs}. */
export const SCHEDULING_KEYS = ["requireAntiAffinity", "maxUnavailable", "nodeSelector", "tolerations"] as const;

/** Default scheduling settings shared by all components. */
export const SCHEDULING_DEFAULTS: Required<SchedulingArgs> = {
    requireAntiAffinity: false,
    maxUnavailable: 1,
    nodeSelector: {},
    tolerations: [],
};

/** Merges scheduling args over the defaults. */
export function resolveScheduling(args: SchedulingArgs | undefined): Required<SchedulingArgs> {
    return {
        requireAntiAffinity: args?.requireAntiAffinity ?? SCHEDULING_DEFAULTS.requireAntiAffinity,
        maxUnavailable: args?.maxUnavailable ?? SCHEDULING_DEFAULTS.maxUnavailable,
        nodeSelector: args?.nodeSelector ?? SCHEDULING_DEFAULTS.nodeSelector,
        tolerations: args?.tolerations ?? SCHEDULING_DEFAULTS.tolerations,
    };
}

const TOLERATION_KEYS = ["key", "operator", "value", "effect", "tolerationSeconds"];
const TOLERATION_EFFECTS = ["", "NoSchedule", "PreferNoSchedule", "NoExecute"];

/** Checks a list of pod tolerations: objects with the Kubernetes fields, each of the right type and value. */
export function checkTolerations(problems: ArgProblem[], path: string, value: unknown): void {
    if (value === undefined) return;
    if (!Array.isArray(value)) {
        problems.push({ path, value, allowed: "a list of tolerations ({ key, operator, value, effect, tolerationSeconds })" });
        return;
    }
    value.forEach((t: unknown, i) => {
        const at = `${path}[${i}]`;
        if (typeof t !== "object" || t === null || Array.isArray(t)) {
            problems.push({ path: at, value: t, allowed: "an object with keys " + TOLERATION_KEYS.join(", ") });
            return;
        }
        const o = t as Record<string, unknown>;
        for (const k of Object.keys(o)) {
            if (!TOLERATION_KEYS.includes(k))
                problems.push({ path: `${at}.${k}`, value: o[k], allowed: "one of the keys " + TOLERATION_KEYS.join(", ") });
        }
        for (const k of ["key", "value"]) {
            if (o[k] !== undefined && typeof o[k] !== "string") problems.push({ path: `${at}.${k}`, value: o[k], allowed: "a string" });
        }
        if (o.operator !== undefined) checkOneOf(problems, `${at}.operator`, o.operator, ["Equal", "Exists"]);
        if (o.effect !== undefined) checkOneOf(problems, `${at}.effect`, o.effect, TOLERATION_EFFECTS);
        if (o.tolerationSeconds !== undefined) checkInteger(problems, `${at}.tolerationSeconds`, o.tolerationSeconds, 0);
        if (o.operator === "Exists" && o.value !== undefined && o.value !== "") {
            problems.push({ path: `${at}.value`, value: o.value, allowed: 'empty with operator "Exists"' });
        }
    });
}

/**
 * Checks `scheduling` (problem paths `scheduling.*`): its keys and their types, and a `maxUnavailable`
 * that leaves a majority of `replicas` up (`quorum`) or at least one member.
 */
export function validateScheduling(
    problems: ArgProblem[],
    scheduling: SchedulingArgs | undefined,
    replicas: number,
    quorum: boolean,
): void {
    checkGroup(problems, "scheduling", scheduling, [...SCHEDULING_KEYS]);
    checkBoolean(problems, "scheduling.requireAntiAffinity", scheduling?.requireAntiAffinity);
    checkStringMap(problems, "scheduling.nodeSelector", scheduling?.nodeSelector);
    checkTolerations(problems, "scheduling.tolerations", scheduling?.tolerations);
    const maxUnavailable = scheduling?.maxUnavailable;
    if (maxUnavailable !== undefined && checkInteger(problems, "scheduling.maxUnavailable", maxUnavailable, 1)) {
        // A quorum of floor(n/2)+1 must survive a voluntary disruption.
        const tolerated = tolerableDisruptions(replicas, quorum);
        if (maxUnavailable > tolerated) {
            problems.push({
                path: "scheduling.maxUnavailable",
                value: maxUnavailable,
                allowed: `at most ${tolerated} with ${replicas} replicas (${quorum ? "a majority must stay up" : "one member must stay up"})`,
            });
        }
    }
}
