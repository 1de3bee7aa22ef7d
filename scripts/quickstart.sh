#!/usr/bin/env bash
# The newcomer's one command (npm run quickstart): builds or finds the toolchain, starts the local
# control plane, and deploys the dev stack with the Pulumi CLI in this folder, exactly as the README's
# quick start does by hand. Secrets that the stack lacks get random values (pulumi config set --secret);
# ones already set are kept. Prints the stack's outputs. Undo with:
#   eval "$(npm run -s env)" && pulumi destroy --stack dev && npm run cluster:down
set -euo pipefail
cd "$(dirname "$0")/.."

stack=${1:-dev}
bash scripts/toolchain.sh >/dev/null
bash scripts/cluster.sh up >/dev/null
eval "$(bash scripts/env.sh)"

pulumi stack select "$stack" --create
random() { head -c "$1" /dev/urandom | base64 | tr -d '=+/\n'; }
# The secret config keys the systems need (stacks/config.ts; optional ones, such as an external
# database's password, have a dotted argument path and are left to the user).
keys=$(node -r ts-node/register/transpile-only -e '
    const { SECRET_KEYS } = require("./stacks/config");
    for (const bySystem of Object.values(SECRET_KEYS))
        for (const [arg, key] of Object.entries(bySystem)) if (!arg.includes(".")) console.log(key);')
for key in $keys; do
    pulumi config get "$key" >/dev/null 2>&1 && continue
    if [ "$key" = nacosAuthToken ]; then
        value=$(head -c 32 /dev/urandom | base64 -w0) # Nacos wants the base64 of at least 32 bytes
    else
        value=$(random 24)
    fi
    pulumi config set --secret "$key" "$value"
done
pulumi up --yes
pulumi stack output
