"""The ResourceGraphDefinitions and instances of the controller benchmark (controller.py).

Every resource kind here is one that a minimal control plane (etcd + kube-apiserver, no
kube-controller-manager) stores and that needs no readyWhen, so an instance is ACTIVE as soon as
the controller has applied its resources and written its status: the benchmark measures the
controller, not other controllers. Templates avoid fields that the apiserver rewrites on storage
(Secret stringData, unset Service ports protocol), so a correct no-op reconcile has nothing to
write.
"""

GROUP = "kro.run"
VERSION = "v1alpha1"


def scale_rgd():
    """The 5-resource RGD of the scale and steady-state scenarios (3 levels)."""
    return {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "metadata": {"name": "scaleapp"},
        "spec": {
            "schema": {
                "apiVersion": VERSION,
                "kind": "ScaleApp",
                "spec": {"name": "string", "image": 'string | default="nginx:1.27"',
                         "replicas": "integer | default=1"},
                "status": {"configName": "${config.metadata.name}",
                           "serviceName": "${service.metadata.name}"},
            },
            "resources": [
                {"id": "config", "template": {
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "${schema.spec.name}-config"},
                    "data": {"app": "${schema.spec.name}", "image": "${schema.spec.image}"}}},
                {"id": "account", "template": {
                    "apiVersion": "v1", "kind": "ServiceAccount",
                    "metadata": {"name": "${schema.spec.name}"}}},
                {"id": "secret", "template": {
                    "apiVersion": "v1", "kind": "Secret",
                    "metadata": {"name": "${schema.spec.name}-secret",
                                 "annotations": {"config": "${config.metadata.name}"}},
                    "type": "Opaque",
                    "data": {"token": "YmVuY2g="}}},
                {"id": "service", "template": {
                    "apiVersion": "v1", "kind": "Service",
                    "metadata": {"name": "${schema.spec.name}"},
                    "spec": {"clusterIP": "None",
                             "selector": {"app": "${schema.spec.name}"},
                             "ports": [{"name": "http", "port": 80, "targetPort": 8080,
                                        "protocol": "TCP"}]}}},
                {"id": "deployment", "template": {
                    "apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": {"name": "${schema.spec.name}"},
                    "spec": {
                        "replicas": "${schema.spec.replicas}",
                        "selector": {"matchLabels": {"app": "${schema.spec.name}"}},
                        "template": {
                            "metadata": {"labels": {"app": "${schema.spec.name}"}},
                            "spec": {
                                "serviceAccountName": "${account.metadata.name}",
                                "containers": [{
                                    "name": "app", "image": "${schema.spec.image}",
                                    "envFrom": [
                                        {"configMapRef": {"name": "${config.metadata.name}"}},
                                        {"secretRef": {"name": "${secret.metadata.name}"}}]}]}}}}},
            ],
        },
    }


SCALE_PLURAL = "scaleapps"
SCALE_CHILD_RESOURCES = ("configmaps", "serviceaccounts", "secrets", "services", "deployments")


def scale_instance(name):
    return {"apiVersion": f"{GROUP}/{VERSION}", "kind": "ScaleApp",
            "metadata": {"name": name}, "spec": {"name": name}}


def registration_rgd(i):
    """A small RGD (ConfigMap -> Secret) with its own kind, for the registration latency."""
    return {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "metadata": {"name": f"reg{i:02d}"},
        "spec": {
            "schema": {"apiVersion": VERSION, "kind": f"Reg{i:02d}",
                       "spec": {"name": "string", "size": "integer | default=3"},
                       "status": {"config": "${config.metadata.name}"}},
            "resources": [
                {"id": "config", "template": {
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "${schema.spec.name}"},
                    "data": {"size": "${string(schema.spec.size)}"}}},
                {"id": "secret", "template": {
                    "apiVersion": "v1", "kind": "Secret",
                    "metadata": {"name": "${config.metadata.name}"},
                    "data": {"token": "YmVuY2g="}}},
            ],
        },
    }


def big_rgd(resources, width):
    """`resources` ConfigMaps in levels of `width`: r<i> (i >= width) references r<i-width>."""
    res = []
    for i in range(resources):
        data = {"index": str(i), "app": "${schema.spec.name}"}
        if i >= width:
            data["prev"] = "${r%d.metadata.name}" % (i - width)
        res.append({"id": f"r{i}", "template": {
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "${schema.spec.name}-r%d" % i}, "data": data}})
    return {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "metadata": {"name": "bigapp"},
        "spec": {
            "schema": {"apiVersion": VERSION, "kind": "BigApp",
                       "spec": {"name": "string"},
                       "status": {"last": "${r%d.metadata.name}" % (resources - 1)}},
            "resources": res,
        },
    }


BIG_PLURAL = "bigapps"


def big_levels(resources, width):
    return (resources + width - 1) // width


def big_instance(name):
    return {"apiVersion": f"{GROUP}/{VERSION}", "kind": "BigApp",
            "metadata": {"name": name}, "spec": {"name": name}}
