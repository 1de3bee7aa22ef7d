/**
 * The Pulumi program of every stack: read and validate the stack's config, then deploy the systems it
 * enables. Nothing is registered with Kubernetes until the whole config has been validated.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EUREKA_DEFAULTS, Eureka } from "../components/eureka";
import { NACOS_DEFAULTS, Nacos } from "../components/nacos";
import { RABBITMQ_DEFAULTS, RabbitMQ } from "../components/rabbitmq";
import { PROJECT, SECRET_KEYS, StackSettings, parseStackConfig } from "./config";

/**
 * Replica counts the stack deployed last time, read from its own previous outputs (`replicas`)
 * through a StackReference to itself; empty on the first deployment.
 */
export async function deployedReplicas(): Promise<Record<string, number>> {
    const self = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`);
    const details = await self.getOutputDetails("replicas");
    const value = details.value ?? details.secretValue;
    return typeof value === "object" && value !== null ? (value as Record<string, number>) : {};
}

/** Deploys the stack; the returned object becomes the stack's outputs. */
export async function deployStack(): Promise<Record<string, unknown>> {
    const settings: StackSettings = parseStackConfig(pulumi.runtime.allConfig());
    const config = new pulumi.Config(PROJECT);
    const secret = (key: string) => config.requireSecret(key);
    const previous = settings.nacos !== undefined || settings.rabbitmq !== undefined ? await deployedReplicas() : {};

    const namespaces = new Map<string, k8s.core.v1.Namespace>();
    const namespaceOf = (name: string): pulumi.ComponentResourceOptions => {
        if (!settings.createNamespaces) return {};
        let ns = namespaces.get(name);
        if (ns === undefined) {
            ns = new k8s.core.v1.Namespace(`ns-${name}`, {
                metadata: {
                    name,
                    labels: { "app.kubernetes.io/part-of": "stateful-k8s", "stateful-k8s.io/environment": settings.environment },
                },
            });
            namespaces.set(name, ns);
        }
        return { dependsOn: [ns] };
    };

    const outputs: Record<string, unknown> = { environment: settings.environment };
    const replicas: Record<string, number> = {};

    if (settings.eureka !== undefined) {
        const args = settings.eureka;
        const eureka = new Eureka("eureka", args, namespaceOf(args.namespace ?? settings.namespace));
        outputs.eureka = { peerUrls: eureka.peerUrls, clientEndpoint: eureka.clientEndpoint, statefulSet: eureka.statefulSetName };
        replicas.eureka = args.replicas ?? EUREKA_DEFAULTS.replicas;
    }
    if (settings.nacos !== undefined) {
        const args = settings.nacos;
        const mysql = args.mysql === undefined ? undefined : { ...args.mysql, password: secret(SECRET_KEYS.nacos["mysql.password"]) };
        const nacos = new Nacos(
            "nacos",
            {
                ...args,
                mysql,
                authToken: secret(SECRET_KEYS.nacos.authToken),
                identityValue: secret(SECRET_KEYS.nacos.identityValue),
                currentReplicas: previous.nacos,
            },
            namespaceOf(args.namespace ?? settings.namespace),
        );
        outputs.nacos = { clusterMembers: nacos.clusterMembers, clientEndpoint: nacos.clientEndpoint, statefulSet: nacos.statefulSetName };
        replicas.nacos = args.replicas ?? NACOS_DEFAULTS.replicas;
    }
    if (settings.rabbitmq !== undefined) {
        const args = settings.rabbitmq;
        const rabbitmq = new RabbitMQ(
            "rabbitmq",
            {
                ...args,
                erlangCookie: secret(SECRET_KEYS.rabbitmq.erlangCookie),
                defaultPassword: secret(SECRET_KEYS.rabbitmq.defaultPassword),
                currentReplicas: previous.rabbitmq,
            },
            namespaceOf(args.namespace ?? settings.namespace),
        );
        outputs.rabbitmq = {
            nodeNames: rabbitmq.nodeNames,
            amqpEndpoint: rabbitmq.amqpEndpoint,
            managementEndpoint: rabbitmq.managementEndpoint,
            statefulSet: rabbitmq.statefulSetName,
            secretName: rabbitmq.secretName,
        };
        replicas.rabbitmq = args.replicas ?? RABBITMQ_DEFAULTS.replicas;
    }
    outputs.replicas = replicas;
    return outputs;
}
