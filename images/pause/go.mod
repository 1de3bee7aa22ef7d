module stateful-k8s/images/pause

go 1.26
