#!/usr/bin/python3
"""Check and run contrib/k8s/volley-indexed-job.yaml (tests/80-recipes.bats).

  k8s-manifest.py check FILE
      Every document must survive a round trip through the typed models of
      the Kubernetes API (Debian's python3-kubernetes, generated from the
      API's OpenAPI schema): a misspelt or misplaced field is dropped by the
      models, a value of the wrong type changes or raises, a missing
      required field raises; any difference is printed and fails.  Then the
      Indexed Job's own rules: completionMode Indexed, --shard K/N with K
      from $(JOB_COMPLETION_INDEX) and N == completions, a --resume file
      per index, volumes that exist, the claim defined in the file.

  k8s-manifest.py argv FILE INDEX ROOT
      The Job container's command and args as the kubelet would run them for
      completion INDEX, NUL-separated: $(VAR) expanded from the container's
      env (JOB_COMPLETION_INDEX = INDEX), each volume's mountPath moved
      under ROOT (so /results is ROOT/results).
"""
import re
import sys

import yaml
from kubernetes import client

MODELS = {
    ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("batch/v1", "Job"): "V1Job",
}


def fail(msg):
    print(f"k8s-manifest: {msg}", file=sys.stderr)
    sys.exit(1)


def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in b:
                out.append(f"{path}.{k}: not in the schema (dropped)")
            elif k not in a:
                out.append(f"{path}.{k}: added by the schema")
            else:
                diff(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", out)
    elif a != b or type(a) is not type(b):
        out.append(f"{path}: {a!r} became {b!r}")


def load(path):
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    if not docs:
        fail(f"{path}: no documents")
    return docs


def the_job(docs):
    jobs = [d for d in docs if d.get("kind") == "Job"]
    if len(jobs) != 1:
        fail(f"{len(jobs)} Jobs, want 1")
    return jobs[0]


def check(path):
    api = client.ApiClient()
    docs = load(path)
    for n, doc in enumerate(docs):
        key = (doc.get("apiVersion"), doc.get("kind"))
        if key not in MODELS:
            fail(f"document {n}: unknown apiVersion/kind {key}")
        try:
            obj = api._ApiClient__deserialize(doc, MODELS[key])
        except (ValueError, TypeError) as e:
            fail(f"document {n} ({key[1]}): {e}")
        back = api.sanitize_for_serialization(obj)
        out = []
        diff(doc, back, key[1], out)
        if out:
            fail(f"document {n}: not a valid {key[1]}:\n  " + "\n  ".join(out))

    job = the_job(docs)
    spec = job["spec"]
    pod = spec["template"]["spec"]
    if spec.get("completionMode") != "Indexed":
        fail("completionMode is not Indexed")
    if spec.get("parallelism", 1) > spec["completions"]:
        fail("parallelism > completions")
    if len(pod["containers"]) != 1:
        fail("want one container")
    c = pod["containers"][0]
    script = " ".join(c.get("command", []) + c.get("args", []))
    m = re.search(r"--shard \$\(JOB_COMPLETION_INDEX\)/(\d+)\b", script)
    if not m:
        fail("no --shard $(JOB_COMPLETION_INDEX)/N")
    if int(m.group(1)) != spec["completions"]:
        fail(f"--shard .../{m.group(1)} but completions {spec['completions']}")
    if not re.search(r"--resume \S*\$\(JOB_COMPLETION_INDEX\)", script):
        fail("no --resume file named by $(JOB_COMPLETION_INDEX)")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for vm in c.get("volumeMounts", []):
        if vm["name"] not in volumes:
            fail(f"volumeMount {vm['name']}: no such volume")
    claims = {d["metadata"]["name"] for d in docs
              if d["kind"] == "PersistentVolumeClaim"}
    for v in volumes.values():
        pvc = v.get("persistentVolumeClaim")
        if pvc and pvc["claimName"] not in claims:
            fail(f"claim {pvc['claimName']} is not defined in {path}")


def argv(path, index, root):
    c = the_job(load(path))["spec"]["template"]["spec"]["containers"][0]
    env = {}
    for e in c.get("env", []):
        ref = e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath", "")
        if "job-completion-index" in ref:
            env[e["name"]] = index
        elif "value" in e:
            env[e["name"]] = e["value"]
    env.setdefault("JOB_COMPLETION_INDEX", index)

    # Kubernetes' rule: $(VAR) is replaced when VAR is defined, $$ is $.
    def expand(s):
        return re.sub(r"\$\$|\$\((\w+)\)",
                      lambda m: "$" if m.group(0) == "$$"
                      else env.get(m.group(1), m.group(0)), s)

    args = [expand(a) for a in c.get("command", []) + c.get("args", [])]
    for vm in c.get("volumeMounts", []):
        mp = vm["mountPath"].rstrip("/")
        args = [re.sub(re.escape(mp) + r"(?=/|\b)", root + mp, a)
                for a in args]
    sys.stdout.write("\0".join(args) + "\0")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "argv":
        argv(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        fail("usage: k8s-manifest.py check FILE | argv FILE INDEX ROOT")
