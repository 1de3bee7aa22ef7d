/**
 * The policy corpus: programs as users write them, valid ones (which must draw no mandatory violation)
 * and broken ones (each caught by its intended policy and by no other). One table; adding a case is one
 * entry. Programs use @pulumi/kubernetes directly; the Kubernetes documentation's examples are loaded from
 * their YAML the way `yaml.v2.ConfigGroup` registers objects (each with its own type token), adapted where
 * noted. `corpus.test.ts` runs the table; `kube-score.ts` renders it for kube-score.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { PackConfig } from "../helpers/policy";

type Opts = pulumi.CustomResourceOptions;

/** One program of the corpus. */
export interface CorpusCase {
    /** Short unique id (used in the docs table). */
    id: string;
    /** What the program is and where it comes from. */
    what: string;
    /** Registers the program's resources with the given options. */
    build: (opts: Opts) => void;
    /** Policy pack config for this program. */
    config?: PackConfig;
    /** For a broken program: the policy that must catch it (alone) and part of its message. */
    expect?: { policy: string; message: RegExp };
}

// ---------------------------------------------------------------------------------------------------
// Loading YAML as yaml.v2 does: each object with the SDK class of its apiVersion/kind.

const BUILTIN: Record<string, Record<string, any>> = {
    v1: k8s.core.v1,
    "apps/v1": k8s.apps.v1,
    "batch/v1": k8s.batch.v1,
    "policy/v1": k8s.policy.v1,
    "autoscaling/v1": k8s.autoscaling.v1,
    "autoscaling/v2": k8s.autoscaling.v2,
    "networking.k8s.io/v1": k8s.networking.v1,
    "storage.k8s.io/v1": k8s.storage.v1,
};

/** Registers every object of a YAML stream (`change` may edit them first). */
function manifests(text: string, change: (objects: any[]) => void = () => undefined): (opts: Opts) => void {
    return (opts) => {
        const objects = yaml.loadAll(text).filter((o) => o !== null) as any[];
        change(objects);
        for (const o of objects) {
            const name = `${o.kind}-${o.metadata.namespace ?? "default"}-${o.metadata.name}`.toLowerCase();
            const cls = BUILTIN[o.apiVersion]?.[o.kind];
            if (cls !== undefined) new cls(name, o, opts);
            else new k8s.apiextensions.CustomResource(name, o, opts);
        }
    };
}

/** Runs several programs as one. */
function all(...parts: ((opts: Opts) => void)[]): (opts: Opts) => void {
    return (opts) => parts.forEach((p) => p(opts));
}

// ---------------------------------------------------------------------------------------------------
// A complete data store, written the way the pack asks for (and no advisory finding): the base of most
// broken cases, each of which changes one thing.

const DB_LABELS = { "app.kubernetes.io/name": "postgres", "app.kubernetes.io/instance": "orders" };

/** What a broken case changes in the data store. */
interface DbChange {
    sts?: (s: any) => void;
    svc?: (s: any) => void;
    pdb?: ((p: any) => void) | false;
    networkPolicy?: ((n: any) => void) | false;
    stsOpts?: Opts;
    extra?: (opts: Opts) => void;
}

function db(change: DbChange = {}): (opts: Opts) => void {
    return (opts) => {
        const svc: any = {
            metadata: { name: "orders-db-headless", namespace: "shop" },
            spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: { ...DB_LABELS }, ports: [{ name: "pg", port: 5432 }] },
        };
        change.svc?.(svc);
        new k8s.core.v1.Service("orders-db-headless", svc, opts);
        const sts: any = {
            metadata: { name: "orders-db", namespace: "shop" },
            spec: {
                replicas: 3,
                serviceName: "orders-db-headless",
                selector: { matchLabels: { ...DB_LABELS } },
                template: {
                    metadata: { labels: { ...DB_LABELS } },
                    spec: {
                        affinity: {
                            podAntiAffinity: {
                                preferredDuringSchedulingIgnoredDuringExecution: [
                                    {
                                        weight: 100,
                                        podAffinityTerm: {
                                            topologyKey: "kubernetes.io/hostname",
                                            labelSelector: { matchLabels: { ...DB_LABELS } },
                                        },
                                    },
                                ],
                            },
                        },
                        securityContext: { runAsNonRoot: true, runAsUser: 999, fsGroup: 999 },
                        containers: [
                            {
                                name: "postgres",
                                image: "postgres:17.2",
                                env: [{ name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" }],
                                ports: [{ name: "pg", containerPort: 5432 }],
                                resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "512Mi" } },
                                readinessProbe: { exec: { command: ["pg_isready", "-U", "postgres"] }, periodSeconds: 10 },
                                livenessProbe: { tcpSocket: { port: 5432 }, periodSeconds: 20, failureThreshold: 6 },
                                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                                volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql/data" }],
                            },
                        ],
                    },
                },
                volumeClaimTemplates: [
                    {
                        metadata: { name: "data" },
                        spec: {
                            accessModes: ["ReadWriteOnce"],
                            storageClassName: "standard",
                            resources: { requests: { storage: "20Gi" } },
                        },
                    },
                ],
            },
        };
        change.sts?.(sts);
        new k8s.apps.v1.StatefulSet("orders-db", sts, { ...opts, ...(change.stsOpts ?? {}) });
        if (change.pdb !== false) {
            const pdb: any = {
                metadata: { name: "orders-db", namespace: "shop" },
                spec: { maxUnavailable: 1, selector: { matchLabels: { ...DB_LABELS } } },
            };
            change.pdb?.(pdb);
            new k8s.policy.v1.PodDisruptionBudget("orders-db-pdb", pdb, opts);
        }
        if (change.networkPolicy !== false) {
            const np: any = {
                metadata: { name: "orders-db", namespace: "shop" },
                spec: {
                    podSelector: { matchLabels: { ...DB_LABELS } },
                    policyTypes: ["Ingress"],
                    ingress: [
                        {
                            from: [
                                { podSelector: { matchLabels: { "app.kubernetes.io/name": "orders" } } },
                                { podSelector: { matchLabels: { ...DB_LABELS } } },
                            ],
                            ports: [{ port: 5432 }],
                        },
                    ],
                },
            };
            change.networkPolicy?.(np);
            new k8s.networking.v1.NetworkPolicy("orders-db-np", np, opts);
        }
        change.extra?.(opts);
    };
}

/** Marks the data store as a quorum (voting) workload. */
const quorum = (s: any) => (s.metadata.labels = { "stateful-k8s.io/quorum": "true" });

/** An HPA (autoscaling/v2 unless `version` says otherwise) on a target. */
function hpa(name: string, target: { apiVersion: string; kind: string; name: string }, min: number, max: number, version = "v2") {
    return (opts: Opts) => {
        const cls = version === "v1" ? k8s.autoscaling.v1.HorizontalPodAutoscaler : k8s.autoscaling.v2.HorizontalPodAutoscaler;
        const spec: any =
            version === "v1"
                ? { scaleTargetRef: target, minReplicas: min, maxReplicas: max, targetCPUUtilizationPercentage: 70 }
                : {
                      scaleTargetRef: target,
                      minReplicas: min,
                      maxReplicas: max,
                      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
                  };
        new cls(`${name}-hpa`, { metadata: { name, namespace: "shop" }, spec }, opts);
    };
}

const ORDERS_DB = { apiVersion: "apps/v1", kind: "StatefulSet", name: "orders-db" };

// ---------------------------------------------------------------------------------------------------
// Strimzi and tidb-operator custom resources.

/** A KRaft Kafka cluster on Strimzi `version` with node pools `pools` (name, roles, replicas, storage). */
function strimzi(
    version: "v1" | "v1beta2",
    pools: { name: string; roles: string[]; replicas: number; storage?: any; opts?: Opts }[],
    kafkaChange: (k: any) => void = () => undefined,
): (opts: Opts) => void {
    return (opts) => {
        const kafka: any = {
            apiVersion: `kafka.strimzi.io/${version}`,
            kind: "Kafka",
            metadata: {
                name: "events",
                namespace: "shop",
                ...(version === "v1beta2" ? { annotations: { "strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled" } } : {}),
            },
            spec: {
                kafka: {
                    version: "4.1.0",
                    listeners: [{ name: "plain", port: 9092, type: "internal", tls: false }],
                    config: { "default.replication.factor": 3, "min.insync.replicas": 2 },
                },
                entityOperator: { topicOperator: {}, userOperator: {} },
            },
        };
        kafkaChange(kafka);
        new k8s.apiextensions.CustomResource("events", kafka, opts);
        for (const p of pools) {
            new k8s.apiextensions.CustomResource(
                `events-${p.name}`,
                {
                    apiVersion: `kafka.strimzi.io/${version}`,
                    kind: "KafkaNodePool",
                    metadata: { name: p.name, namespace: "shop", labels: { "strimzi.io/cluster": "events" } },
                    spec: {
                        replicas: p.replicas,
                        roles: p.roles,
                        storage: p.storage ?? {
                            type: "jbod",
                            volumes: [{ id: 0, type: "persistent-claim", size: "100Gi", deleteClaim: false, kraftMetadata: "shared" }],
                        },
                    },
                },
                { ...opts, ...(p.opts ?? {}) },
            );
        }
    };
}

const KRAFT_POOLS = [
    { name: "controllers", roles: ["controller"], replicas: 3 },
    { name: "brokers", roles: ["broker"], replicas: 3 },
];

/** A v1beta2 Kafka in ZooKeeper mode (Strimzi before 0.46), storage on the Kafka resource itself. */
function zookeeperKafka(change: (k: any) => void = () => undefined): (opts: Opts) => void {
    return (opts) => {
        const kafka: any = {
            apiVersion: "kafka.strimzi.io/v1beta2",
            kind: "Kafka",
            metadata: { name: "legacy", namespace: "shop" },
            spec: {
                kafka: {
                    version: "3.7.0",
                    replicas: 3,
                    listeners: [{ name: "plain", port: 9092, type: "internal", tls: false }],
                    storage: { type: "jbod", volumes: [{ id: 0, type: "persistent-claim", size: "100Gi", deleteClaim: false }] },
                },
                zookeeper: { replicas: 3, storage: { type: "persistent-claim", size: "10Gi", deleteClaim: false } },
            },
        };
        change(kafka);
        new k8s.apiextensions.CustomResource("legacy", kafka, opts);
    };
}

/** A tidb-operator v2 cluster (Cluster, PD, TiKV and TiDB groups); `change` edits the groups by kind. */
function tidb(change: { pd?: (g: any) => void; tikv?: (g: any) => void; tidbOpts?: Opts; extra?: (opts: Opts) => void } = {}) {
    return (opts: Opts) => {
        const api = "core.pingcap.com/v1alpha1";
        new k8s.apiextensions.CustomResource(
            "basic",
            { apiVersion: api, kind: "Cluster", metadata: { name: "basic", namespace: "shop" }, spec: {} },
            opts,
        );
        const group = (kind: string, name: string, replicas: number, volume?: { mountType: string; size: string }) => ({
            apiVersion: api,
            kind,
            metadata: { name, namespace: "shop" },
            spec: {
                cluster: { name: "basic" },
                replicas,
                template: {
                    spec: {
                        version: "v8.5.2",
                        volumes: volume ? [{ name: "data", mounts: [{ type: volume.mountType }], storage: volume.size }] : [],
                    },
                },
            },
        });
        const pd = group("PDGroup", "pd", 3, { mountType: "data", size: "20Gi" });
        change.pd?.(pd);
        new k8s.apiextensions.CustomResource("pd", pd, opts);
        const tikv = group("TiKVGroup", "tikv", 3, { mountType: "data", size: "100Gi" });
        change.tikv?.(tikv);
        new k8s.apiextensions.CustomResource("tikv", tikv, opts);
        new k8s.apiextensions.CustomResource("tidb", group("TiDBGroup", "tidb", 2), { ...opts, ...(change.tidbOpts ?? {}) });
        change.extra?.(opts);
    };
}

// ---------------------------------------------------------------------------------------------------
// Stateless programs.

/** A web Deployment (replicas set unless `replicas` is undefined). */
function webApp(replicas: number | undefined, name = "storefront"): (opts: Opts) => void {
    return (opts) => {
        const labels = { "app.kubernetes.io/name": name };
        new k8s.apps.v1.Deployment(
            name,
            {
                metadata: { name, namespace: "shop" },
                spec: {
                    ...(replicas === undefined ? {} : { replicas }),
                    selector: { matchLabels: labels },
                    template: {
                        metadata: { labels },
                        spec: {
                            containers: [
                                {
                                    name: "web",
                                    image: "ghcr.io/example/storefront:2.4.1",
                                    ports: [{ name: "http", containerPort: 8080 }],
                                    resources: { requests: { cpu: "100m", memory: "128Mi" } },
                                    readinessProbe: { httpGet: { path: "/ready", port: "http" } },
                                    livenessProbe: { httpGet: { path: "/live", port: "http" } },
                                },
                            ],
                        },
                    },
                },
            },
            opts,
        );
        new k8s.core.v1.Service(
            name,
            { metadata: { name, namespace: "shop" }, spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] } },
            opts,
        );
    };
}

// ---------------------------------------------------------------------------------------------------
// Kubernetes documentation examples (kubernetes.io, as of 1.34), as YAML.

/** "StatefulSet Basics" (tutorials/stateful-application/basic-stateful-set): nginx with 2 replicas. */
const DOCS_WEB = `
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
`;

/** "Running ZooKeeper, a Distributed System Coordinator" (tutorials/stateful-application/zookeeper), abridged. */
const DOCS_ZOOKEEPER = `
apiVersion: v1
kind: Service
metadata:
  name: zk-hs
  labels:
    app: zk
spec:
  ports:
  - port: 2888
    name: server
  - port: 3888
    name: leader-election
  clusterIP: None
  selector:
    app: zk
---
apiVersion: v1
kind: Service
metadata:
  name: zk-cs
  labels:
    app: zk
spec:
  ports:
  - port: 2181
    name: client
  selector:
    app: zk
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: zk-pdb
spec:
  selector:
    matchLabels:
      app: zk
  maxUnavailable: 1
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: zk
spec:
  selector:
    matchLabels:
      app: zk
  serviceName: zk-hs
  replicas: 3
  updateStrategy:
    type: RollingUpdate
  podManagementPolicy: OrderedReady
  template:
    metadata:
      labels:
        app: zk
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector:
                matchExpressions:
                  - key: "app"
                    operator: In
                    values:
                    - zk
              topologyKey: "kubernetes.io/hostname"
      containers:
      - name: kubernetes-zookeeper
        imagePullPolicy: Always
        image: "registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10"
        resources:
          requests:
            memory: "1Gi"
            cpu: "0.5"
        ports:
        - containerPort: 2181
          name: client
        - containerPort: 2888
          name: server
        - containerPort: 3888
          name: leader-election
        command:
        - sh
        - -c
        - "start-zookeeper --servers=3 --data_dir=/var/lib/zookeeper/data"
        readinessProbe:
          exec:
            command:
            - sh
            - -c
            - "zookeeper-ready 2181"
          initialDelaySeconds: 10
          timeoutSeconds: 5
        livenessProbe:
          exec:
            command:
            - sh
            - -c
            - "zookeeper-ready 2181"
          initialDelaySeconds: 10
          timeoutSeconds: 5
        volumeMounts:
        - name: datadir
          mountPath: /var/lib/zookeeper
      securityContext:
        runAsUser: 1000
        fsGroup: 1000
  volumeClaimTemplates:
  - metadata:
      name: datadir
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 10Gi
`;

/** "Run a Single-Instance Stateful Application" (tasks/run-application/run-single-instance-stateful-application). */
const DOCS_MYSQL_SINGLE = `
apiVersion: v1
kind: PersistentVolume
metadata:
  name: mysql-pv-volume
  labels:
    type: local
spec:
  storageClassName: manual
  capacity:
    storage: 20Gi
  accessModes:
    - ReadWriteOnce
  hostPath:
    path: "/mnt/data"
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: mysql-pv-claim
spec:
  storageClassName: manual
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 20Gi
---
apiVersion: v1
kind: Service
metadata:
  name: mysql
spec:
  ports:
  - port: 3306
  selector:
    app: mysql
  clusterIP: None
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mysql
spec:
  selector:
    matchLabels:
      app: mysql
  strategy:
    type: Recreate
  template:
    metadata:
      labels:
        app: mysql
    spec:
      containers:
      - image: mysql:9
        name: mysql
        env:
        - name: MYSQL_ROOT_PASSWORD
          valueFrom:
            secretKeyRef:
              name: mysql-secret
              key: password
        ports:
        - containerPort: 3306
          name: mysql
        volumeMounts:
        - name: mysql-persistent-storage
          mountPath: /var/lib/mysql
      volumes:
      - name: mysql-persistent-storage
        persistentVolumeClaim:
          claimName: mysql-pv-claim
`;

/** "Run a Replicated Stateful Application" (tasks/run-application/run-replicated-stateful-application), abridged scripts. */
const DOCS_MYSQL_REPLICATED = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: mysql
  labels:
    app: mysql
    app.kubernetes.io/name: mysql
data:
  primary.cnf: |
    [mysqld]
    log-bin
  replica.cnf: |
    [mysqld]
    super-read-only
---
apiVersion: v1
kind: Service
metadata:
  name: mysql
  labels:
    app: mysql
    app.kubernetes.io/name: mysql
spec:
  ports:
  - name: mysql
    port: 3306
  clusterIP: None
  selector:
    app: mysql
---
apiVersion: v1
kind: Service
metadata:
  name: mysql-read
  labels:
    app: mysql
    app.kubernetes.io/name: mysql
    readonly: "true"
spec:
  ports:
  - name: mysql
    port: 3306
  selector:
    app: mysql
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: mysql
spec:
  selector:
    matchLabels:
      app: mysql
      app.kubernetes.io/name: mysql
  serviceName: mysql
  replicas: 3
  template:
    metadata:
      labels:
        app: mysql
        app.kubernetes.io/name: mysql
    spec:
      initContainers:
      - name: init-mysql
        image: mysql:5.7
        command: ["bash", "-c", "set -ex; [[ $HOSTNAME =~ -([0-9]+)$ ]] || exit 1"]
        volumeMounts:
        - name: conf
          mountPath: /mnt/conf.d
        - name: config-map
          mountPath: /mnt/config-map
      - name: clone-mysql
        image: gcr.io/google-samples/xtrabackup:1.0
        command: ["bash", "-c", "set -ex; [[ -d /var/lib/mysql/mysql ]] && exit 0"]
        volumeMounts:
        - name: data
          mountPath: /var/lib/mysql
          subPath: mysql
        - name: conf
          mountPath: /etc/mysql/conf.d
      containers:
      - name: mysql
        image: mysql:5.7
        env:
        - name: MYSQL_ALLOW_EMPTY_PASSWORD
          value: "1"
        ports:
        - name: mysql
          containerPort: 3306
        volumeMounts:
        - name: data
          mountPath: /var/lib/mysql
          subPath: mysql
        - name: conf
          mountPath: /etc/mysql/conf.d
        resources:
          requests:
            cpu: 500m
            memory: 1Gi
        livenessProbe:
          exec:
            command: ["mysqladmin", "ping"]
          initialDelaySeconds: 30
          periodSeconds: 10
          timeoutSeconds: 5
        readinessProbe:
          exec:
            command: ["mysql", "-h", "127.0.0.1", "-e", "SELECT 1"]
          initialDelaySeconds: 5
          periodSeconds: 2
          timeoutSeconds: 1
      - name: xtrabackup
        image: gcr.io/google-samples/xtrabackup:1.0
        ports:
        - name: xtrabackup
          containerPort: 3307
        command: ["bash", "-c", "exec ncat --listen --keep-open --send-only --max-conns=1 3307"]
        volumeMounts:
        - name: data
          mountPath: /var/lib/mysql
          subPath: mysql
        - name: conf
          mountPath: /etc/mysql/conf.d
        resources:
          requests:
            cpu: 100m
            memory: 100Mi
      volumes:
      - name: conf
        emptyDir: {}
      - name: config-map
        configMap:
          name: mysql
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: ["ReadWriteOnce"]
      resources:
        requests:
          storage: 10Gi
`;

/** "Example: Deploying Cassandra with a StatefulSet" (tutorials/stateful-application/cassandra), abridged env. */
const DOCS_CASSANDRA = `
apiVersion: v1
kind: Service
metadata:
  labels:
    app: cassandra
  name: cassandra
spec:
  clusterIP: None
  ports:
  - port: 9042
  selector:
    app: cassandra
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cassandra
  labels:
    app: cassandra
spec:
  serviceName: cassandra
  replicas: 3
  selector:
    matchLabels:
      app: cassandra
  template:
    metadata:
      labels:
        app: cassandra
    spec:
      terminationGracePeriodSeconds: 500
      containers:
      - name: cassandra
        image: gcr.io/google-samples/cassandra:v13
        imagePullPolicy: Always
        ports:
        - containerPort: 7000
          name: intra-node
        - containerPort: 9042
          name: cql
        resources:
          limits:
            cpu: "500m"
            memory: 1Gi
          requests:
            cpu: "500m"
            memory: 1Gi
        securityContext:
          capabilities:
            add:
              - IPC_LOCK
        env:
          - name: CASSANDRA_SEEDS
            value: "cassandra-0.cassandra.default.svc.cluster.local"
        readinessProbe:
          exec:
            command:
            - /bin/bash
            - -c
            - /ready-probe.sh
          initialDelaySeconds: 15
          timeoutSeconds: 5
        volumeMounts:
        - name: cassandra-data
          mountPath: /cassandra_data
  volumeClaimTemplates:
  - metadata:
      name: cassandra-data
    spec:
      accessModes: [ "ReadWriteOnce" ]
      storageClassName: fast
      resources:
        requests:
          storage: 1Gi
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: k8s.io/minikube-hostpath
parameters:
  type: pd-ssd
`;

/**
 * The documentation's StatefulSets leave the storage class to the cluster default and, with several
 * replicas, add no PodDisruptionBudget (the Disruptions page asks for one): the two things the pack
 * requires. This adds them, which is the change a user makes when the pack refuses the original.
 */
function withClassAndBudget(cls: string, budgetFor?: { name: string; labels: Record<string, string> }) {
    return (objects: any[]) => {
        for (const o of objects)
            if (o.kind === "StatefulSet") for (const t of o.spec.volumeClaimTemplates ?? []) t.spec.storageClassName ??= cls;
        if (budgetFor !== undefined) {
            objects.push({
                apiVersion: "policy/v1",
                kind: "PodDisruptionBudget",
                metadata: { name: budgetFor.name },
                spec: { maxUnavailable: 1, selector: { matchLabels: budgetFor.labels } },
            });
        }
    };
}

// ---------------------------------------------------------------------------------------------------
// Valid programs.

const VALID: CorpusCase[] = [
    {
        id: "docs-statefulset-basics",
        what: "Kubernetes docs, StatefulSet Basics (nginx, 2 replicas), with a storage class and a PDB",
        build: manifests(DOCS_WEB, withClassAndBudget("standard", { name: "web", labels: { app: "nginx" } })),
    },
    {
        id: "docs-zookeeper",
        what: "Kubernetes docs, Running ZooKeeper (3 members, PDB, required anti-affinity), with a storage class",
        build: manifests(DOCS_ZOOKEEPER, withClassAndBudget("standard")),
    },
    {
        id: "docs-mysql-single",
        what: "Kubernetes docs, single-instance MySQL: a Deployment on a static hostPath PV bound by class `manual`",
        build: manifests(DOCS_MYSQL_SINGLE),
    },
    {
        id: "docs-mysql-replicated",
        what: "Kubernetes docs, replicated MySQL (3 members, init containers, xtrabackup sidecar), with a storage class and a PDB",
        build: manifests(DOCS_MYSQL_REPLICATED, withClassAndBudget("standard", { name: "mysql", labels: { app: "mysql" } })),
    },
    {
        id: "docs-cassandra",
        what: "Kubernetes docs, Cassandra (3 members, StorageClass fast, IPC_LOCK), with a PDB",
        build: manifests(DOCS_CASSANDRA, withClassAndBudget("fast", { name: "cassandra", labels: { app: "cassandra" } })),
    },
    {
        id: "postgres-complete",
        what: "A Postgres StatefulSet with everything the pack asks for (the base of the broken cases)",
        build: db(),
    },
    {
        id: "postgres-single",
        what: "A single Postgres member: no PDB, no spread needed",
        build: db({ sts: (s) => (s.spec.replicas = 1), pdb: false }),
    },
    {
        id: "web-hpa-min-1",
        what: "A stateless web Deployment with an autoscaling/v2 HPA from 1 to 10",
        build: all(webApp(undefined), hpa("storefront", { apiVersion: "apps/v1", kind: "Deployment", name: "storefront" }, 1, 10)),
    },
    {
        id: "web-hpa-v1",
        what: "A stateless web Deployment with an autoscaling/v1 HPA from 1 to 5",
        build: all(webApp(undefined), hpa("storefront", { apiVersion: "apps/v1", kind: "Deployment", name: "storefront" }, 1, 5, "v1")),
    },
    {
        id: "web-hpa-replicas-set",
        what: "A web Deployment that still sets replicas under an HPA (a stateless mistake: out of the pack's scope)",
        build: all(webApp(2), hpa("storefront", { apiVersion: "apps/v1", kind: "Deployment", name: "storefront" }, 2, 6)),
    },
    {
        id: "keda-scale-to-zero",
        what: "A queue consumer Deployment scaled from 0 by a KEDA ScaledObject on RabbitMQ queue length",
        build: all(webApp(undefined, "order-worker"), (opts) => {
            new k8s.apiextensions.CustomResource(
                "order-worker-scaler",
                {
                    apiVersion: "keda.sh/v1alpha1",
                    kind: "ScaledObject",
                    metadata: { name: "order-worker", namespace: "shop" },
                    spec: {
                        scaleTargetRef: { name: "order-worker" },
                        minReplicaCount: 0,
                        maxReplicaCount: 30,
                        triggers: [
                            {
                                type: "rabbitmq",
                                metadata: { queueName: "orders", mode: "QueueLength", value: "20" },
                                authenticationRef: { name: "rabbitmq" },
                            },
                        ],
                    },
                },
                opts,
            );
        }),
    },
    {
        id: "static-pv-claim",
        what: 'A pre-created PersistentVolume (Retain) and a claim bound to it with storageClassName ""',
        build: (opts) => {
            new k8s.core.v1.PersistentVolume(
                "archive-pv",
                {
                    metadata: { name: "archive-pv" },
                    spec: {
                        capacity: { storage: "500Gi" },
                        accessModes: ["ReadWriteOnce"],
                        persistentVolumeReclaimPolicy: "Retain",
                        storageClassName: "",
                        nfs: { server: "10.0.0.5", path: "/exports/archive" },
                    },
                },
                opts,
            );
            new k8s.core.v1.PersistentVolumeClaim(
                "archive",
                {
                    metadata: { name: "archive", namespace: "shop" },
                    spec: {
                        accessModes: ["ReadWriteOnce"],
                        storageClassName: "",
                        volumeName: "archive-pv",
                        resources: { requests: { storage: "500Gi" } },
                    },
                },
                opts,
            );
        },
    },
    {
        id: "sts-static-local-pvs",
        what: 'A StatefulSet whose claim templates bind pre-created local volumes (storageClassName "", selector)',
        build: db({
            sts: (s) => {
                s.spec.volumeClaimTemplates[0].spec.storageClassName = "";
                s.spec.volumeClaimTemplates[0].spec.selector = { matchLabels: { pool: "orders-db" } };
            },
        }),
    },
    {
        id: "redis-cache-no-data",
        what: "A Redis cache StatefulSet declaring stateful-k8s.io/data: none, with an emptyDir at /data, one replica",
        build: (opts) => {
            const labels = { app: "cache" };
            new k8s.core.v1.Service(
                "cache",
                { metadata: { name: "cache", namespace: "shop" }, spec: { clusterIP: "None", selector: labels, ports: [{ port: 6379 }] } },
                opts,
            );
            new k8s.apps.v1.StatefulSet(
                "cache",
                {
                    metadata: { name: "cache", namespace: "shop", annotations: { "stateful-k8s.io/data": "none" } },
                    spec: {
                        serviceName: "cache",
                        selector: { matchLabels: labels },
                        template: {
                            metadata: { labels },
                            spec: {
                                containers: [
                                    {
                                        name: "redis",
                                        image: "redis:7.4.2",
                                        args: ["--save", "", "--appendonly", "no"],
                                        resources: { requests: { cpu: "100m", memory: "256Mi" } },
                                        readinessProbe: { exec: { command: ["redis-cli", "ping"] } },
                                        volumeMounts: [{ name: "data", mountPath: "/data" }],
                                    },
                                ],
                                volumes: [{ name: "data", emptyDir: {} }],
                            },
                        },
                    },
                },
                opts,
            );
        },
    },
    {
        id: "memcached-cluster-no-data",
        what: "Three memcached members (no data) with an emptyDir scratch dir at /data, a PDB and spread",
        build: db({
            sts: (s) => {
                s.metadata.annotations = { "stateful-k8s.io/data": "none" };
                delete s.spec.volumeClaimTemplates;
                const c = s.spec.template.spec.containers[0];
                Object.assign(c, {
                    name: "memcached",
                    image: "memcached:1.6.34",
                    readinessProbe: { tcpSocket: { port: 11211 } },
                    livenessProbe: { tcpSocket: { port: 11211 } },
                    volumeMounts: [{ name: "scratch", mountPath: "/data" }],
                });
                s.spec.template.spec.volumes = [{ name: "scratch", emptyDir: { medium: "Memory" } }];
            },
        }),
    },
    { id: "strimzi-v1-kraft", what: "Strimzi v1 Kafka with 3 controllers and 3 brokers in node pools", build: strimzi("v1", KRAFT_POOLS) },
    {
        id: "strimzi-v1beta2-kraft",
        what: "Strimzi v1beta2 Kafka (KRaft, node pools) with 3 controllers and 3 brokers",
        build: strimzi("v1beta2", KRAFT_POOLS),
    },
    {
        id: "strimzi-v1beta2-zookeeper",
        what: "Strimzi v1beta2 Kafka in ZooKeeper mode, persistent storage on the Kafka resource",
        build: zookeeperKafka(),
    },
    {
        id: "strimzi-dual-role",
        what: "Strimzi v1 Kafka with one dual-role pool of 3",
        build: strimzi("v1", [{ name: "dual", roles: ["controller", "broker"], replicas: 3 }]),
    },
    {
        id: "strimzi-zonal-controllers",
        what: "Strimzi v1 Kafka with one controller pool per zone (1 + 1 + 1 = 3 voters)",
        build: strimzi("v1", [
            { name: "controllers-a", roles: ["controller"], replicas: 1 },
            { name: "controllers-b", roles: ["controller"], replicas: 1 },
            { name: "controllers-c", roles: ["controller"], replicas: 1 },
            { name: "brokers", roles: ["broker"], replicas: 3 },
        ]),
    },
    {
        id: "strimzi-broker-hpa",
        what: "Strimzi v1beta2 broker pool autoscaled 3-6 by an HPA, replicas ignored in bracket form",
        build: all(
            strimzi("v1beta2", [KRAFT_POOLS[0], { ...KRAFT_POOLS[1], opts: { ignoreChanges: ['spec["replicas"]'] } }]),
            hpa("brokers", { apiVersion: "kafka.strimzi.io/v1beta2", kind: "KafkaNodePool", name: "brokers" }, 3, 6),
        ),
    },
    {
        id: "tidb-v2-hpa",
        what: "tidb-operator v2 cluster (PD 3, TiKV 3) with the TiDB group autoscaled 2-8",
        build: tidb({
            tidbOpts: { ignoreChanges: ["spec.replicas"] },
            extra: hpa("tidb", { apiVersion: "core.pingcap.com/v1alpha1", kind: "TiDBGroup", name: "tidb" }, 2, 8),
        }),
    },
    {
        id: "sts-hpa-replicas-unset",
        what: "A StatefulSet with replicas unset, scaled 3-9 by an HPA, with a PDB and spread",
        build: db({ sts: (s) => delete s.spec.replicas, extra: hpa("orders-db", ORDERS_DB, 3, 9) }),
    },
    {
        id: "sts-hpa-ignore-spec",
        what: 'An autoscaled StatefulSet registered with ignoreChanges: ["spec"]',
        build: db({ stsOpts: { ignoreChanges: ["spec"] }, extra: hpa("orders-db", ORDERS_DB, 3, 6) }),
    },
    {
        id: "quorum-scaled-to-zero",
        what: "A quorum StatefulSet scaled to 0 for maintenance",
        build: db({ sts: (s) => (quorum(s), (s.spec.replicas = 0)) }),
    },
    {
        id: "etcd-quorum-3",
        what: "A 3-member quorum (label stateful-k8s.io/quorum) with a budget of one",
        build: db({ sts: quorum }),
    },
    {
        id: "quorum-min-available",
        what: "A 5-member quorum whose PDB keeps minAvailable 3",
        build: db({
            sts: (s) => (quorum(s), (s.spec.replicas = 5)),
            pdb: (p) => {
                delete p.spec.maxUnavailable;
                p.spec.minAvailable = 3;
            },
        }),
    },
    {
        id: "topology-spread",
        what: "Members spread over zones with topologySpreadConstraints instead of anti-affinity",
        build: db({
            sts: (s) => {
                s.spec.template.spec.affinity = undefined;
                s.spec.template.spec.topologySpreadConstraints = [
                    {
                        maxSkew: 1,
                        topologyKey: "topology.kubernetes.io/zone",
                        whenUnsatisfiable: "DoNotSchedule",
                        labelSelector: { matchLabels: { ...DB_LABELS } },
                    },
                ];
            },
        }),
    },
    {
        id: "default-deny-namespace",
        what: "A namespace-wide default-deny NetworkPolicy (empty podSelector) instead of one per store",
        build: db({ networkPolicy: (n) => ((n.spec.podSelector = {}), delete n.spec.ingress) }),
    },
    {
        id: "batch-and-config",
        what: "No stateful workload: a ConfigMap, a Secret, a CronJob and a log-shipping DaemonSet with hostPath",
        build: (opts) => {
            new k8s.core.v1.ConfigMap(
                "settings",
                { metadata: { name: "settings", namespace: "shop" }, data: { "app.yaml": "a: 1" } },
                opts,
            );
            new k8s.core.v1.Secret("token", { metadata: { name: "token", namespace: "shop" }, stringData: { token: "t" } }, opts);
            new k8s.batch.v1.CronJob(
                "nightly",
                {
                    metadata: { name: "nightly", namespace: "shop" },
                    spec: {
                        schedule: "0 2 * * *",
                        jobTemplate: {
                            spec: {
                                template: {
                                    spec: {
                                        restartPolicy: "OnFailure",
                                        containers: [{ name: "report", image: "ghcr.io/example/report:1.0.3" }],
                                    },
                                },
                            },
                        },
                    },
                },
                opts,
            );
            const labels = { app: "log-agent" };
            new k8s.apps.v1.DaemonSet(
                "log-agent",
                {
                    metadata: { name: "log-agent", namespace: "kube-system" },
                    spec: {
                        selector: { matchLabels: labels },
                        template: {
                            metadata: { labels },
                            spec: {
                                containers: [
                                    {
                                        name: "agent",
                                        image: "fluent/fluent-bit:3.2.4",
                                        volumeMounts: [{ name: "logs", mountPath: "/var/log", readOnly: true }],
                                    },
                                ],
                                volumes: [{ name: "logs", hostPath: { path: "/var/log" } }],
                            },
                        },
                    },
                },
                opts,
            );
        },
    },
    {
        id: "protected-production",
        what: "The complete Postgres with protect: true, under the production config",
        build: db({ stsOpts: { protect: true } }),
        config: { "production-data-protected": "mandatory" },
    },
];

// ---------------------------------------------------------------------------------------------------
// Broken programs: each changes one thing in a correct program.

/** A broken case: `build` with the policy that must catch it and part of the message. */
function broken(id: string, what: string, build: (opts: Opts) => void, policy: string, message: RegExp, config?: PackConfig): CorpusCase {
    return { id, what, build, expect: { policy, message }, ...(config ? { config } : {}) };
}

const volume = (s: any) => s.spec.volumeClaimTemplates[0].spec;
const container = (s: any) => s.spec.template.spec.containers[0];

const BROKEN: CorpusCase[] = [
    // statefulset-headless-service
    broken(
        "no-governing-service",
        "serviceName names a Service the program never creates",
        db({ svc: (s) => (s.metadata.name = "orders-db-peers") }),
        "statefulset-headless-service",
        /names Service "orders-db-headless", which is not in this stack's namespace shop/,
    ),
    broken(
        "clusterip-governing-service",
        "the governing Service has a cluster IP",
        db({ svc: (s) => delete s.spec.clusterIP }),
        "statefulset-headless-service",
        /which is not headless \(clusterIP: "unset"\)/,
    ),
    broken(
        "service-selects-other-pods",
        "the headless Service selects other pods",
        db({ svc: (s) => (s.spec.selector = { "app.kubernetes.io/name": "mysql" }) }),
        "statefulset-headless-service",
        /does not match the pod template labels/,
    ),
    broken(
        "service-without-selector",
        "the headless Service has no selector",
        db({ svc: (s) => delete s.spec.selector }),
        "statefulset-headless-service",
        /which has no selector/,
    ),
    broken(
        "no-service-name",
        "the StatefulSet sets no serviceName",
        db({ sts: (s) => delete s.spec.serviceName }),
        "statefulset-headless-service",
        /has no spec\.serviceName/,
    ),
    broken(
        "service-other-namespace",
        "the headless Service is in another namespace",
        db({ svc: (s) => (s.metadata.namespace = "default") }),
        "statefulset-headless-service",
        /which is not in this stack's namespace shop/,
    ),
    // statefulset-selector-matches-template
    broken(
        "selector-extra-label",
        "the selector asks for a label the pods lack",
        db({ sts: (s) => (s.spec.selector.matchLabels.tier = "db") }),
        "statefulset-selector-matches-template",
        /does not match the pod template labels/,
    ),
    broken(
        "selector-notin",
        "a NotIn expression excludes the pods",
        db({
            sts: (s) =>
                (s.spec.selector = { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "NotIn", values: ["postgres"] }] }),
        }),
        "statefulset-selector-matches-template",
        /does not match the pod template labels/,
    ),
    // stateful-data-on-pvcs
    broken(
        "emptydir-data",
        "data on an emptyDir instead of claims",
        db({ sts: (s) => (delete s.spec.volumeClaimTemplates, (s.spec.template.spec.volumes = [{ name: "data", emptyDir: {} }])) }),
        "stateful-data-on-pvcs",
        /mounts emptyDir volume "data" at data path \/var\/lib\/postgresql\/data/,
    ),
    broken(
        "hostpath-data",
        "data on a hostPath next to an unrelated claim",
        db({
            sts: (s) => (
                container(s).volumeMounts.push({ name: "wal", mountPath: "/var/lib/wal" }),
                (s.spec.template.spec.volumes = [{ name: "wal", hostPath: { path: "/mnt/wal" } }])
            ),
        }),
        "stateful-data-on-pvcs",
        /mounts hostPath volume "wal" at data path \/var\/lib\/wal/,
    ),
    broken(
        "template-no-class",
        "a claim template without a storage class",
        db({ sts: (s) => delete volume(s).storageClassName }),
        "stateful-data-on-pvcs",
        /claim template "data" names no storageClassName/,
    ),
    broken(
        "template-no-size",
        "a claim template without a size",
        db({ sts: (s) => delete volume(s).resources }),
        "stateful-data-on-pvcs",
        /claim template "data" requests no storage size/,
    ),
    broken(
        "template-no-access-modes",
        "a claim template without access modes",
        db({ sts: (s) => delete volume(s).accessModes }),
        "stateful-data-on-pvcs",
        /claim template "data" sets no accessModes/,
    ),
    broken(
        "template-unmounted",
        "a claim template mounted by no container",
        db({
            sts: (s) => (
                (container(s).volumeMounts[0].name = "pgdata"),
                (s.spec.template.spec.volumes = [{ name: "pgdata", persistentVolumeClaim: { claimName: "orders" } }])
            ),
        }),
        "stateful-data-on-pvcs",
        /claim template "data" is mounted by no container/,
    ),
    broken(
        "no-claims-no-annotation",
        "no claims and no declaration that it keeps no data",
        db({ sts: (s) => (delete s.spec.volumeClaimTemplates, (container(s).volumeMounts = [])) }),
        "stateful-data-on-pvcs",
        /has no volumeClaimTemplates/,
    ),
    broken(
        "pvc-no-class",
        "a standalone claim without a storage class",
        db({
            extra: (opts) =>
                new k8s.core.v1.PersistentVolumeClaim(
                    "uploads",
                    {
                        metadata: { name: "uploads", namespace: "shop" },
                        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } },
                    },
                    opts,
                ),
        }),
        "stateful-data-on-pvcs",
        /PersistentVolumeClaim shop\/uploads names no storageClassName/,
    ),
    broken(
        "class-not-allowed",
        "a storage class outside the stack's allow-list",
        db(),
        "stateful-data-on-pvcs",
        /uses storage class "standard", not one of the allowed premium-rwo/,
        { "stateful-data-on-pvcs": { allowedStorageClasses: ["premium-rwo"] } },
    ),
    broken(
        "static-binding-refused",
        "static binding where the stack forbids it",
        db({ sts: (s) => (volume(s).storageClassName = "") }),
        "stateful-data-on-pvcs",
        /sets storageClassName "" \(static binding/,
        { "stateful-data-on-pvcs": { allowStaticBinding: false } },
    ),
    // pvc-retention
    broken(
        "retention-when-deleted",
        "claims deleted with the StatefulSet",
        db({ sts: (s) => (s.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Delete", whenScaled: "Retain" }) }),
        "pvc-retention",
        /whenDeleted is "Delete"/,
    ),
    broken(
        "retention-when-scaled",
        "claims deleted on scale-in",
        db({ sts: (s) => (s.spec.persistentVolumeClaimRetentionPolicy = { whenScaled: "Delete" }) }),
        "pvc-retention",
        /whenScaled is "Delete"/,
    ),
    broken(
        "pv-reclaim-delete",
        "a pre-created volume that deletes its data with the claim",
        (opts) =>
            new k8s.core.v1.PersistentVolume(
                "scratch-pv",
                {
                    metadata: { name: "scratch-pv" },
                    spec: {
                        capacity: { storage: "10Gi" },
                        accessModes: ["ReadWriteOnce"],
                        persistentVolumeReclaimPolicy: "Delete",
                        storageClassName: "",
                        hostPath: { path: "/mnt/scratch" },
                    },
                },
                opts,
            ),
        "pvc-retention",
        /PersistentVolume scratch-pv has persistentVolumeReclaimPolicy "Delete"/,
    ),
    // statefulset-disruption-budget
    broken(
        "no-pdb",
        "three members and no PodDisruptionBudget",
        db({ pdb: false }),
        "statefulset-disruption-budget",
        /has 3 replicas and no PodDisruptionBudget selecting its pods/,
    ),
    broken(
        "pdb-both-fields",
        "a budget with both minAvailable and maxUnavailable",
        db({ pdb: (p) => (p.spec.minAvailable = 2) }),
        "statefulset-disruption-budget",
        /must set exactly one of minAvailable and maxUnavailable/,
    ),
    broken(
        "pdb-max-unavailable-0",
        "a budget that allows no eviction (maxUnavailable 0)",
        db({ pdb: (p) => (p.spec.maxUnavailable = 0) }),
        "statefulset-disruption-budget",
        /allows no voluntary disruption of StatefulSet shop\/orders-db \(3 replicas\)/,
    ),
    broken(
        "pdb-min-available-100",
        "a budget that allows no eviction (minAvailable 100%)",
        db({ pdb: (p) => (delete p.spec.maxUnavailable, (p.spec.minAvailable = "100%")) }),
        "statefulset-disruption-budget",
        /allows no voluntary disruption/,
    ),
    broken(
        "pdb-breaks-quorum",
        "a quorum whose budget lets a drain take 2 of 3",
        db({ sts: quorum, pdb: (p) => (p.spec.maxUnavailable = 2) }),
        "statefulset-disruption-budget",
        /down to 1 of 3 members, below its quorum of 2/,
    ),
    broken(
        "two-pdbs",
        "two budgets over the same pods",
        db({
            extra: (opts) =>
                new k8s.policy.v1.PodDisruptionBudget(
                    "orders-db-extra",
                    {
                        metadata: { name: "orders-db-extra", namespace: "shop" },
                        spec: { minAvailable: 1, selector: { matchLabels: { ...DB_LABELS } } },
                    },
                    opts,
                ),
        }),
        "statefulset-disruption-budget",
        /is selected by 2 PodDisruptionBudgets \(orders-db, orders-db-extra\)/,
    ),
    broken(
        "autoscaled-no-pdb",
        "replicas unset, an HPA up to 9 and no budget",
        db({ sts: (s) => delete s.spec.replicas, pdb: false, extra: hpa("orders-db", ORDERS_DB, 3, 9) }),
        "statefulset-disruption-budget",
        /has up to 9 replicas \(scaled by HorizontalPodAutoscaler shop\/orders-db\) and no PodDisruptionBudget/,
    ),
    broken(
        "hpa-below-pdb",
        "a budget (minAvailable 3) that blocks drains at counts the HPA (2-6) may choose",
        db({
            sts: (s) => (s.spec.replicas = 4),
            pdb: (p) => (delete p.spec.maxUnavailable, (p.spec.minAvailable = 3)),
            stsOpts: { ignoreChanges: ["spec.replicas"] },
            extra: hpa("orders-db", ORDERS_DB, 2, 6),
        }),
        "statefulset-disruption-budget",
        /allows no voluntary disruption of StatefulSet shop\/orders-db \(2 replicas, which HorizontalPodAutoscaler shop\/orders-db may choose\)/,
    ),
    // headless-service-publishes-not-ready
    broken(
        "hides-starting-peers",
        "the headless Service hides members that are not ready yet",
        db({ svc: (s) => delete s.spec.publishNotReadyAddresses }),
        "headless-service-publishes-not-ready",
        /does not publish not-ready addresses/,
    ),
    // replicas-spread
    broken(
        "no-spread",
        "three members that may share a node",
        db({ sts: (s) => (s.spec.template.spec.affinity = undefined) }),
        "replicas-spread",
        /runs 3 replicas with no host anti-affinity/,
    ),
    broken(
        "anti-affinity-other-labels",
        "anti-affinity against some other app's pods",
        db({
            sts: (s) =>
                (s.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector =
                    { matchLabels: { app: "web" } }),
        }),
        "replicas-spread",
        /no host anti-affinity or topology spread on its own labels/,
    ),
    broken(
        "spread-max-skew-0",
        "a topology spread with maxSkew 0 and no anti-affinity",
        db({
            sts: (s) => (
                (s.spec.template.spec.affinity = undefined),
                (s.spec.template.spec.topologySpreadConstraints = [
                    {
                        maxSkew: 0,
                        topologyKey: "kubernetes.io/hostname",
                        whenUnsatisfiable: "DoNotSchedule",
                        labelSelector: { matchLabels: { ...DB_LABELS } },
                    },
                ])
            ),
        }),
        "replicas-spread",
        /runs 3 replicas with no host anti-affinity/,
    ),
    // stable-names
    broken(
        "autonamed-statefulset",
        "a StatefulSet left to Pulumi's auto-naming",
        db({ sts: (s) => delete s.metadata.name }),
        "stable-names",
        /StatefulSet "orders-db" is auto-named/,
    ),
    broken(
        "autonamed-service",
        "a governing Service the provider auto-named",
        db({ svc: (s) => (s.metadata.annotations = { "pulumi.com/autonamed": "true" }) }),
        "stable-names",
        /Service "orders-db-headless" \(governing a StatefulSet\) is auto-named/,
    ),
    // autoscaler-owns-replicas
    broken(
        "hpa-fights-pulumi",
        "an HPA on a StatefulSet whose replicas Pulumi still sets",
        db({ extra: hpa("orders-db", ORDERS_DB, 3, 6) }),
        "autoscaler-owns-replicas",
        /StatefulSet orders-db is scaled by HorizontalPodAutoscaler shop\/orders-db but Pulumi still manages its spec\.replicas \(3\)/,
    ),
    broken(
        "hpa-v1-fights-pulumi",
        "an autoscaling/v1 HPA on a StatefulSet whose replicas Pulumi still sets",
        db({ extra: hpa("orders-db", ORDERS_DB, 3, 6, "v1") }),
        "autoscaler-owns-replicas",
        /Pulumi still manages its spec\.replicas \(3\)/,
    ),
    broken(
        "hpa-min-1-statefulset",
        "an HPA that may shrink a data store to one member",
        db({ sts: (s) => delete s.spec.replicas, extra: hpa("orders-db", ORDERS_DB, 1, 5) }),
        "autoscaler-owns-replicas",
        /may scale StatefulSet orders-db down to 1/,
    ),
    broken(
        "hpa-kafka-pool-v1beta2",
        "an HPA on a v1beta2 broker pool whose replicas Pulumi still sets",
        all(
            strimzi("v1beta2", KRAFT_POOLS),
            hpa("brokers", { apiVersion: "kafka.strimzi.io/v1beta2", kind: "KafkaNodePool", name: "brokers" }, 3, 6),
        ),
        "autoscaler-owns-replicas",
        /KafkaNodePool brokers is scaled by HorizontalPodAutoscaler shop\/brokers but Pulumi still manages/,
    ),
    // quorum-odd-voters
    broken(
        "even-quorum",
        "a quorum of 4",
        db({ sts: (s) => (quorum(s), (s.spec.replicas = 4)) }),
        "quorum-odd-voters",
        /is a quorum workload with 4 replicas/,
    ),
    broken(
        "kraft-2-controllers",
        "a KRaft controller pool of 2",
        strimzi("v1", [{ name: "controllers", roles: ["controller"], replicas: 2 }, KRAFT_POOLS[1]]),
        "quorum-odd-voters",
        /KafkaNodePool shop\/controllers has the controller role and 2 replicas/,
    ),
    broken(
        "kraft-split-pools",
        "two controller pools of one each (an even quorum of 2)",
        strimzi("v1beta2", [
            { name: "controllers-a", roles: ["controller"], replicas: 1 },
            { name: "controllers-b", roles: ["controller"], replicas: 1 },
            KRAFT_POOLS[1],
        ]),
        "quorum-odd-voters",
        /Kafka cluster shop\/events has 2 KRaft controllers across node pools controllers-a \(1\), controllers-b \(1\)/,
    ),
    broken("pd-4", "a PD group of 4", tidb({ pd: (g) => (g.spec.replicas = 4) }), "quorum-odd-voters", /PDGroup shop\/pd has 4 replicas/),
    broken(
        "zookeeper-2",
        "a v1beta2 ZooKeeper ensemble of 2",
        zookeeperKafka((k) => (k.spec.zookeeper.replicas = 2)),
        "quorum-odd-voters",
        /Kafka shop\/legacy runs 2 ZooKeeper nodes/,
    ),
    // operator-storage-persistent
    broken(
        "kafka-pool-ephemeral",
        "a Strimzi v1 broker pool on ephemeral storage",
        strimzi("v1", [KRAFT_POOLS[0], { ...KRAFT_POOLS[1], storage: { type: "ephemeral" } }]),
        "operator-storage-persistent",
        /KafkaNodePool shop\/brokers uses ephemeral storage/,
    ),
    broken(
        "kafka-pool-delete-claim",
        "a Strimzi v1beta2 pool that deletes its claims",
        strimzi("v1beta2", [
            KRAFT_POOLS[0],
            { ...KRAFT_POOLS[1], storage: { type: "persistent-claim", size: "100Gi", deleteClaim: true } },
        ]),
        "operator-storage-persistent",
        /KafkaNodePool shop\/brokers deletes its claims with the cluster/,
    ),
    broken(
        "zookeeper-ephemeral",
        "a v1beta2 Kafka whose ZooKeeper keeps its data on ephemeral storage",
        zookeeperKafka((k) => (k.spec.zookeeper.storage = { type: "ephemeral" })),
        "operator-storage-persistent",
        /Kafka shop\/legacy \(zookeeper\) uses ephemeral storage/,
    ),
    broken(
        "tikv-no-data-volume",
        "a TiKV group with no data volume",
        tidb({ tikv: (g) => (g.spec.template.spec.volumes = []) }),
        "operator-storage-persistent",
        /TiKVGroup shop\/tikv declares no data volume/,
    ),
    broken(
        "kafka-pool-empty-jbod",
        "a jbod with no volumes",
        strimzi("v1", [KRAFT_POOLS[0], { ...KRAFT_POOLS[1], storage: { type: "jbod", volumes: [] } }]),
        "operator-storage-persistent",
        /KafkaNodePool shop\/brokers declares no storage volumes/,
    ),
    // workload-hygiene
    broken(
        "image-latest",
        "an image tagged latest",
        db({ sts: (s) => (container(s).image = "postgres:latest") }),
        "workload-hygiene",
        /container "postgres" uses image "postgres:latest", which is not pinned/,
    ),
    broken(
        "init-image-untagged",
        "an init container with an untagged image",
        db({
            sts: (s) =>
                (s.spec.template.spec.initContainers = [
                    { name: "chown", image: "busybox", command: ["chown", "-R", "999", "/var/lib/postgresql/data"] },
                ]),
        }),
        "workload-hygiene",
        /init container "chown" uses image "busybox", which is not pinned/,
    ),
    broken(
        "no-readiness",
        "a data store without a readiness probe",
        db({ sts: (s) => delete container(s).readinessProbe }),
        "workload-hygiene",
        /container "postgres" has no readinessProbe/,
    ),
    broken(
        "no-requests",
        "a container without requests",
        db({ sts: (s) => delete container(s).resources }),
        "workload-hygiene",
        /container "postgres" does not request both cpu and memory/,
    ),
    // production-data-protected
    broken(
        "unprotected-production",
        "an unprotected data store under the production config",
        db(),
        "production-data-protected",
        /StatefulSet shop\/orders-db holds data but is not protected/,
        { "production-data-protected": "mandatory" },
    ),
    // backup-schedule
    broken(
        "no-backup-production",
        "a data store nothing backs up, under the production config",
        db({ stsOpts: { protect: true } }),
        "backup-schedule",
        /StatefulSet shop\/orders-db keeps data and nothing in the stack backs it up on a schedule/,
        { "backup-schedule": "mandatory" },
    ),
    // peer checks
    broken(
        "liveness-equals-readiness",
        "the liveness probe is the readiness probe",
        db({ sts: (s) => (container(s).livenessProbe = { ...container(s).readinessProbe }) }),
        "data-store-liveness-distinct",
        /runs the same liveness check as its readiness check and gives it no longer to fail \(30 s vs 30 s\)/,
    ),
    broken(
        "no-network-policy",
        "a data store any pod can reach",
        db({ networkPolicy: false }),
        "data-network-policy",
        /keeps data and no NetworkPolicy selects its pods/,
    ),
    broken(
        "egress-only-network-policy",
        "a NetworkPolicy that restricts egress only",
        db({ networkPolicy: (n) => ((n.spec.policyTypes = ["Egress"]), delete n.spec.ingress, (n.spec.egress = [{}])) }),
        "data-network-policy",
        /keeps data and no NetworkPolicy selects its pods/,
    ),
    broken(
        "privileged-container",
        "a privileged data store container",
        db({ sts: (s) => (container(s).securityContext = { privileged: true }) }),
        "no-all-capabilities",
        /container "postgres" runs privileged/,
    ),
    broken(
        "capability-all",
        "a sidecar that adds every capability",
        db({
            sts: (s) =>
                s.spec.template.spec.containers.push({
                    name: "debug",
                    image: "nicolaka/netshoot:v0.13",
                    resources: { requests: { cpu: "10m", memory: "16Mi" } },
                    readinessProbe: { exec: { command: ["true"] } },
                    securityContext: { capabilities: { add: ["ALL"] } },
                }),
        }),
        "no-all-capabilities",
        /container "debug" adds capability ALL/,
    ),
];

/** The whole corpus. */
export const CORPUS: CorpusCase[] = [...VALID, ...BROKEN];

/**
 * The documentation's StatefulSet examples exactly as published, which the pack refuses on purpose (no
 * storage class; several replicas and no PodDisruptionBudget); the valid corpus holds them adapted.
 */
export const DOCS_VERBATIM: { id: string; build: (opts: Opts) => void }[] = [
    { id: "docs-statefulset-basics", build: manifests(DOCS_WEB) },
    { id: "docs-zookeeper", build: manifests(DOCS_ZOOKEEPER) },
    { id: "docs-mysql-replicated", build: manifests(DOCS_MYSQL_REPLICATED) },
    { id: "docs-cassandra", build: manifests(DOCS_CASSANDRA) },
];
