// Command pulumi-resource-kubernetes serves the Pulumi Kubernetes provider (v4.25.0, the commit the Go
// module proxy serves) with its schema embedded, as upstream's cmd/pulumi-resource-kubernetes does.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

// Written by scripts/toolchain.sh from the module's cmd/pulumi-resource-kubernetes/schema.json (with the
// version set) and terraform-mapping.json; both are generated and ignored by git.
var (
	//go:embed schema-embed.json
	pulumiSchema []byte
	//go:embed terraform-mapping-embed.json
	terraformMapping []byte
)

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
