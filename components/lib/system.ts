/**
 * What a stack needs to know about one system, declared once beside its component: the binding. The
 * registry (`components/systems.ts`) lists the bindings; the stack program, the stack config, the
 * plugin, render and the tests all read that list, so a system is added in one place.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArgProblem } from "./validation";

/** A secret argument: set from its own secret config key, never from the system's config object. */
export interface SecretBinding {
    /** The secret config key (`pulumi config set --secret <configKey> <value>`). */
    configKey: string;
    /**
     * A value the stack's validation accepts, used when rendering without the Pulumi CLI and by the
     * e2e suites; `prefix` marks where it came from. Any non-empty string when absent.
     */
    standIn?: (prefix: string) => string;
}

/** The backup bucket's credentials: one pair of secret keys for every system's `backup.storage`. */
export const BACKUP_SECRETS: Record<string, SecretBinding> = {
    "backup.storage.accessKeyId": { configKey: "backupAccessKeyId" },
    "backup.storage.secretAccessKey": { configKey: "backupSecretAccessKey" },
};

/** The restore source's credentials (`restore.storage`), one pair for every system. */
export const RESTORE_SECRETS: Record<string, SecretBinding> = {
    "restore.storage.accessKeyId": { configKey: "restoreAccessKeyId" },
    "restore.storage.secretAccessKey": { configKey: "restoreSecretAccessKey" },
};

/**
 * `obj` with `value` at the dotted `path` (a copy), when every parent on the path is an object; `obj` as
 * is otherwise (a secret of an optional group is set only where the group is).
 */
export function withValueAt(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
    const [head, ...rest] = path.split(".");
    if (rest.length === 0) return { ...obj, [head]: value };
    const inner = obj[head];
    if (typeof inner !== "object" || inner === null || Array.isArray(inner)) return obj;
    return { ...obj, [head]: withValueAt(inner as Record<string, unknown>, rest.join("."), value) };
}

/** A component class as the plugin serves it and the stack creates it. */
export type ComponentClass<Args, C extends pulumi.ComponentResource> = new (
    name: string,
    args: Args,
    opts?: pulumi.ComponentResourceOptions,
) => C;

/** One system's binding. `Args` are the component's args, `C` the component. */
export interface SystemBinding<Args extends object, C extends pulumi.ComponentResource> {
    /** Key of the system's object in the stack config, its component's name and its stack output. */
    key: string;
    /** The component. */
    component: ComponentClass<Args, C>;
    /**
     * Secret arguments by their path in the args (`"password"`, or `"mysql.password"`,
     * `"backup.storage.accessKeyId"` for a field of an optional group, needed only when the group is set).
     */
    secrets: Record<string, SecretBinding>;
    /**
     * Arguments the stack fills in from what the previous update deployed: argument -> key of the count
     * in the stack's `replicas` output (for example `currentReplicas` -> `"nacos"`).
     */
    deployed: Record<string, string>;
    /** The component's defaults (its `*_DEFAULTS`), shown in its reference page where a shared argument defers to them. */
    defaults: Readonly<Record<string, unknown>>;
    /** Every problem with the args (pure: the component runs the same check). */
    validate(name: string, args: Args): ArgProblem[];
    /**
     * The member counts a created component deploys, by their key in the stack's `replicas` output (the
     * counts the next update checks changes against, see `deployed`).
     */
    counts(component: C): Record<string, number>;
    /** The stack outputs of a created component (what users connect to). */
    outputs(component: C): Record<string, pulumi.Input<unknown>>;
}

/**
 * A binding of any system, as the registry holds them. The methods take the args their component
 * takes; the stack passes each binding only the args it validated against that binding.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySystemBinding = SystemBinding<any, any>;

/** Declares a binding with its types checked against its component (an identity function). */
export function defineSystem<Args extends object, C extends pulumi.ComponentResource>(
    binding: SystemBinding<Args, C>,
): SystemBinding<Args, C> {
    return binding;
}
