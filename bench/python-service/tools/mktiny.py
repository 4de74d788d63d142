#!/usr/bin/env python3
"""Freeze a Python app into a minimal root filesystem (a poor man's PyInstaller, stdlib only).

From the earlier offline image lab of this project (shared reference), with two changes for seed 000's
service: the trace port comes from TRACE_PORT (default 18391), and packages that read data files next
to their code (botocore's service models: DATA_FILES) stay as real files with the data they need.

usage: mktiny.py APP.py OUTDIR

1. trace: run APP.py as __main__ in a child interpreter (HOST=127.0.0.1, PORT=18099), wait for the
   server, send a few requests (/, /healthz, a 404), then dump sys.modules.
2. zip: byte-compile every traced pure-Python module into OUTDIR/usr/lib/python3X.zip
   (CPython puts <prefix>/lib/python3X.zip on sys.path by default, zipimport is frozen in).
   The app itself is not frozen: the Dockerfile COPYs app.py into /app in the final stage, and
   the zip is reproducible, so a code-only change that imports nothing new gives identical
   dependency layers.
3. copy the python binary, the traced extension modules (lib-dynload/*.so and any .so from
   dist-packages) and the ldd closure of all of them, /etc/passwd+group for a non-root user.
"""
import glob
import http.client
import json
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

APP, OUT = os.path.abspath(sys.argv[1]), sys.argv[2]
PORT = int(os.environ.get("TRACE_PORT", "18391"))
VER = "%d.%d" % sys.version_info[:2]
ZIPNAME = "python%d%d.zip" % sys.version_info[:2]

TRACER = r"""
import json, os, runpy, sys, threading, time, http.client
out = sys.argv[1]; app = sys.argv[2]
threading.Thread(target=runpy.run_path, args=(app,), kwargs={"run_name": "__main__"}, daemon=True).start()
for _ in range(200):
    try:
        c = http.client.HTTPConnection("127.0.0.1", %d, timeout=2)
        for path in ("/", "/healthz", "/does-not-exist"):
            c.request("GET", path); r = c.getresponse(); r.read()
        break
    except OSError:
        time.sleep(0.05)
else:
    sys.exit("tracer: app did not answer")
mods = {}
for name, m in list(sys.modules.items()):
    f = getattr(m, "__file__", None)
    if f:
        mods[name] = {"file": f, "pkg": hasattr(m, "__path__")}
json.dump(mods, open(out, "w"), indent=1)
os._exit(0)
""" % PORT

# Packages that open data files relative to their __file__ (zipimport cannot serve those): kept as real
# files, with these data paths (relative to the package) copied too. The S3 client needs its model.
DATA_FILES = {
    "botocore": ["data/*.json", "data/s3", "cacert.pem"],
}

# Modules needed by the interpreter itself or by common error paths even if the trace missed them.
ALWAYS = ["encodings.utf_8", "encodings.ascii", "encodings.latin_1", "encodings.idna",
          "encodings.aliases", "traceback", "linecache", "tokenize", "token"]


def trace():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "mods.json")
        env = dict(os.environ, HOST="127.0.0.1", PORT=str(PORT), PYTHONDONTWRITEBYTECODE="1")
        subprocess.run([sys.executable, "-c", TRACER, out, APP], check=True, env=env, timeout=120)
        mods = json.load(open(out))
    for name in ALWAYS:
        if name not in mods:
            __import__(name)
            m = sys.modules[name]
            mods[name] = {"file": m.__file__, "pkg": hasattr(m, "__path__")}
    return mods


def search_root(path):
    """sys.path entry a module file lives under (longest match)."""
    best = None
    for p in sys.path:
        if p and os.path.isdir(p) and path.startswith(p.rstrip("/") + "/"):
            if best is None or len(p) > len(best):
                best = p
    return best


def main():
    mods = trace()
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    for d in ("usr/bin", "usr/lib64", "etc", "tmp", "home/nonroot"):
        os.makedirs(os.path.join(OUT, d), exist_ok=True)
    os.chmod(os.path.join(OUT, "tmp"), 0o1777)
    os.chown(os.path.join(OUT, "home/nonroot"), 65532, 65532)
    for link, target in (("bin", "usr/bin"), ("lib", "usr/lib"), ("lib64", "usr/lib64")):
        os.symlink(target, os.path.join(OUT, link))

    py = os.path.realpath(sys.executable)
    shutil.copy2(py, os.path.join(OUT, "usr/bin"))
    os.symlink(os.path.basename(py), os.path.join(OUT, "usr/bin/python3"))

    zpath = os.path.join(OUT, "usr/lib", ZIPNAME)
    dynload = os.path.join(OUT, "usr/lib/python%s/lib-dynload" % VER)
    os.makedirs(dynload, exist_ok=True)
    elf = [py]
    npy = 0
    seen = set()
    app_real = os.path.realpath(APP)
    # zipimport cannot load extension modules: a package holding a traced .so (markupsafe._speedups)
    # is kept as real files at its original path instead of going into the zip
    fs_pkgs = {n.split(".")[0] for n, i in mods.items() if i["file"].endswith(".so") and "." in n}
    for pkg, paths in DATA_FILES.items():
        if pkg not in mods:
            continue
        fs_pkgs.add(pkg)
        base = os.path.dirname(mods[pkg]["file"])
        for src in (found for rel in paths for found in sorted(glob.glob(os.path.join(base, rel)))):
            if os.path.isdir(src):
                shutil.copytree(src, OUT + src, symlinks=False, dirs_exist_ok=True)
            elif os.path.exists(src):
                os.makedirs(os.path.dirname(OUT + src), exist_ok=True)
                shutil.copy2(os.path.realpath(src), OUT + src)
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z, \
            tempfile.TemporaryDirectory() as tmp:
        for name, info in sorted(mods.items()):
            f = info["file"]
            if os.path.realpath(f) == app_real or name == "__main__":
                continue
            if name.split(".")[0] in fs_pkgs:
                if f.endswith((".py", ".so")):
                    os.makedirs(os.path.dirname(OUT + f), exist_ok=True)
                    shutil.copy2(f, OUT + f)
                    if f.endswith(".so"):
                        elf.append(f)
                continue
            if f.endswith(".so"):
                root = search_root(f)
                rel = os.path.relpath(f, root) if root else os.path.basename(f)
                dst = os.path.join(dynload, rel)   # top-level extension modules -> lib-dynload
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy2(f, dst)
                elf.append(f)
                continue
            if not f.endswith(".py"):
                continue
            root = search_root(f)
            if root is None:
                sys.exit("no sys.path root for %s (%s)" % (name, f))
            rel = os.path.relpath(f, root)
            if rel in seen:   # e.g. _frozen_importlib and importlib._bootstrap share a file
                continue
            seen.add(rel)
            cfile = os.path.join(tmp, "m.pyc")
            py_compile.compile(f, cfile=cfile, dfile=rel, doraise=True, optimize=0,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            zi = zipfile.ZipInfo(rel + "c", date_time=(2020, 1, 1, 0, 0, 0))  # reproducible zip
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            with open(cfile, "rb") as fh:
                z.writestr(zi, fh.read())
            npy += 1

    libs = set()
    for f in elf:
        for line in subprocess.run(["ldd", f], capture_output=True, text=True).stdout.splitlines():
            parts = line.split()
            if "=>" in parts and len(parts) >= 3 and parts[2].startswith("/"):
                libs.add(parts[2])
            elif parts and parts[0].startswith("/"):
                libs.add(parts[0])
    for lib in sorted(libs):
        d = os.path.realpath(os.path.dirname(lib))
        os.makedirs(OUT + d, exist_ok=True)
        dst = os.path.join(OUT + d, os.path.basename(lib))
        if not os.path.exists(dst):
            shutil.copy2(os.path.realpath(lib), dst)
    ld = os.path.join(OUT, "usr/lib64/ld-linux-x86-64.so.2")
    if not os.path.exists(ld):
        shutil.copy2(os.path.realpath("/lib64/ld-linux-x86-64.so.2"), ld)

    with open(os.path.join(OUT, "etc/passwd"), "w") as fh:
        fh.write("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")
    with open(os.path.join(OUT, "etc/group"), "w") as fh:
        fh.write("root:x:0:\nnonroot:x:65532:\n")

    # self-test in a chroot, the way the image will run it
    subprocess.run(["/usr/sbin/chroot", OUT, "/usr/bin/python3", "-c", "import flask, boto3, sys; boto3.session.Session(region_name='us-east-1').client('s3'); print('tiny self-test ok', len(sys.modules), 'modules')"],
                   check=True, env={"PYTHONHOME": "/usr", "PATH": "/usr/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"})
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(OUT) for f in fs
                if not os.path.islink(os.path.join(dp, f)))
    print("tiny: %d traced modules, %d .pyc in %s (%d bytes), %d ELF files + %d libs, rootfs %.1f MB"
          % (len(mods), npy, ZIPNAME, os.path.getsize(zpath), len(elf), len(libs), total / 1e6))


if __name__ == "__main__":
    main()
