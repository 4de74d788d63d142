#!/usr/bin/env python3
"""Freeze a Python app into a minimal root filesystem (a poor man's PyInstaller, stdlib only).

From the earlier offline image lab of this project (shared reference), with two changes for seed 000's
service: the trace port comes from TRACE_PORT (default 18391), and packages that read data files next
to their code (botocore's service models: DATA_FILES) stay as real files with the data they need.

usage: mktiny.py APP.py OUTDIR

1. trace: run APP.py as __main__ in a child interpreter (HOST=127.0.0.1, PORT=TRACE_PORT), wait for the
   server, send a few requests (/, /healthz, a 404), then dump sys.modules and every file the process
   opened (an audit hook on "open").
2. zip: byte-compile every traced pure-Python module at -OO into OUTDIR/usr/lib/python3X.zip, deflate
   level 9 (CPython puts <prefix>/lib/python3X.zip on sys.path by default, zipimport is frozen in).
   Modules the interpreter runs frozen (os, codecs, site, importlib._bootstrap ...) are left out.
   The app itself is not frozen: the Dockerfile COPYs app.py into /app in the final stage, and
   the zip is reproducible, so a code-only change that imports nothing new gives identical
   dependency layers.
3. packages that need real files (a traced .so, or data read next to __file__: DATA_FILES) stay on the
   filesystem as sourceless -OO .pyc, with only the data files the trace opened (+ EXTRA_DATA), JSON
   gzipped (botocore reads <name>.json.gz), and the CA bundle botocore verifies TLS with.
4. copy the python binary, the traced extension modules (lib-dynload/*.so and any .so from
   dist-packages) and the ldd closure of all of them, /etc/passwd+group for a non-root user.

Bytes each step saves on seed 000's service (the closure's layer tar: 25,323,520 -> 21,657,600 bytes;
zip figures measured by undoing only that step, file figures as the difference of the files replaced):
botocore's data, only the files the client opens, gzipped: 3,036,023 -> 168,453 bytes (-2,867,570);
-OO instead of plain bytecode: zip -548,022; modules that run frozen left out of the zip: -153,363;
deflate level 9 instead of zlib's default 6: -36,459; one CA bundle, the one botocore uses (Debian's,
via certifi), instead of botocore's unused cacert.pem: -46,009 (and TLS verification now finds its
bundle: before, certifi pointed at a file the image lacked). The 63 on-disk modules (botocore,
markupsafe) as sourceless .pyc cost +15,485 over their .py sources and save compiling them at every
start. `strip --strip-unneeded` and `--strip-all` save 0 bytes on every ELF file here (Debian ships
them stripped), so there is no strip step.
"""
import gzip
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
opened = set()
def audit(event, args):
    if event == "open" and isinstance(args[0], str):
        opened.add(os.path.abspath(args[0]))
sys.addaudithook(audit)
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
        spec = getattr(m, "__spec__", None) if isinstance(m, type(sys)) else None
        mods[name] = {"file": f, "pkg": hasattr(m, "__path__"),
                      "frozen": getattr(spec, "origin", None) == "frozen"}
json.dump({"modules": mods, "opened": sorted(opened)}, open(out, "w"), indent=1)
os._exit(0)
""" % PORT

# Packages that open data files relative to their __file__ (zipimport cannot serve those): kept as real
# files (their modules as sourceless -OO .pyc next to where the .py was), with the data files the trace saw
# them open (DATA_FILES says which package directories count) plus the EXTRA_DATA the trace cannot reach.
DATA_FILES = ["botocore"]
# The S3 client's paginators and waiters: loaded by s3.get_paginator()/get_waiter(), which the service may
# call but the trace cannot (no S3 here). The rest of botocore's data is not shipped: examples-1.json is
# read only by botocore.docs (documentation builds), the other 300-odd services are never loaded.
EXTRA_DATA = {"botocore": ["data/s3/2006-03-01/paginators-1.json", "data/s3/2006-03-01/waiters-2.json"]}

# Modules needed by the interpreter itself or by common error paths even if the trace missed them.
ALWAYS = ["encodings.utf_8", "encodings.ascii", "encodings.latin_1", "encodings.idna",
          "encodings.aliases", "traceback", "linecache", "tokenize", "token"]

# Bytecode as `python -OO` writes it: docstrings and asserts out (-548,022 bytes of zip here). The
# self-test below and the benchmark's smoke test run this bytecode: nothing the service runs needs them.
OPTIMIZE = 2


def trace():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "mods.json")
        env = dict(os.environ, HOST="127.0.0.1", PORT=str(PORT), PYTHONDONTWRITEBYTECODE="1")
        subprocess.run([sys.executable, "-c", TRACER, out, APP], check=True, env=env, timeout=120)
        traced = json.load(open(out))
    mods = traced["modules"]
    for name in ALWAYS:
        if name not in mods:
            __import__(name)
            m = sys.modules[name]
            mods[name] = {"file": m.__file__, "pkg": hasattr(m, "__path__")}
    return mods, traced["opened"]


def search_root(path):
    """sys.path entry a module file lives under (longest match)."""
    best = None
    for p in sys.path:
        if p and os.path.isdir(p) and path.startswith(p.rstrip("/") + "/"):
            if best is None or len(p) > len(best):
                best = p
    return best


def pyc_bytes(src, dfile, tmp):
    """src byte-compiled at OPTIMIZE, unchecked-hash (reproducible: no source mtime in the header)."""
    cfile = os.path.join(tmp, "m.pyc")
    py_compile.compile(src, cfile=cfile, dfile=dfile, doraise=True, optimize=OPTIMIZE,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    with open(cfile, "rb") as fh:
        return fh.read()


def write_file(dst, data, mode=0o644):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "wb") as fh:
        fh.write(data)
    os.chmod(dst, mode)


def copy_data(src, dst):
    """A data file; JSON gzipped (max level, mtime 0: reproducible) as dst + '.gz'. botocore's loader
    reads `<name>.json.gz` when `<name>.json` is absent (botocore/loaders.py, JSONFileLoader)."""
    if src.endswith(".json"):
        with open(src, "rb") as fh:
            write_file(dst + ".gz", gzip.compress(fh.read(), compresslevel=9, mtime=0))
    else:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.realpath(src), dst)


def main():
    mods, opened = trace()
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
    npy = nfs = 0
    seen = set()
    app_real = os.path.realpath(APP)
    # zipimport cannot load extension modules: a package holding a traced .so (markupsafe._speedups)
    # is kept as real files at its original path instead of going into the zip
    fs_pkgs = {n.split(".")[0] for n, i in mods.items() if i["file"].endswith(".so") and "." in n}
    data = []
    for pkg in DATA_FILES:
        if pkg not in mods:
            continue
        fs_pkgs.add(pkg)
        base = os.path.dirname(mods[pkg]["file"])
        data += [f for f in opened if f.startswith(base + "/") and os.path.isfile(f) and not f.endswith((".py", ".pyc", ".so"))]
        data += [os.path.join(base, rel) for rel in EXTRA_DATA.get(pkg, [])]
    for src in sorted(set(data)):
        copy_data(src, OUT + src)
    # The CA bundle botocore verifies TLS with: certifi.where() when certifi imports (Debian's certifi
    # returns the system bundle), else botocore's cacert.pem (botocore/httpsession.py, get_cert_path).
    import botocore.httpsession
    ca = botocore.httpsession.get_cert_path(True)
    copy_data(ca, OUT + ca)
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z, \
            tempfile.TemporaryDirectory() as tmp:
        for name, info in sorted(mods.items()):
            f = info["file"]
            if os.path.realpath(f) == app_real or name == "__main__":
                continue
            if info.get("frozen"):
                # os, codecs, io, site, importlib._bootstrap, zipimport ...: CPython 3.11 runs the copies
                # frozen into the interpreter (-X frozen_modules=on is the default outside a source tree);
                # the .pyc in the zip would never be read
                continue
            if name.split(".")[0] in fs_pkgs:
                if f.endswith(".py"):
                    # sourceless bytecode: FileFinder loads <module>.pyc where <module>.py would be
                    write_file(OUT + f + "c", pyc_bytes(f, f, tmp))
                    nfs += 1
                elif f.endswith(".so"):
                    os.makedirs(os.path.dirname(OUT + f), exist_ok=True)
                    shutil.copy2(f, OUT + f)
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
            zi = zipfile.ZipInfo(rel + "c", date_time=(2020, 1, 1, 0, 0, 0))  # reproducible zip
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            # compresslevel here: a ZipInfo passed to writestr ignores the ZipFile's level (zlib's 6)
            z.writestr(zi, pyc_bytes(f, rel, tmp), compresslevel=9)
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

    # self-test in a chroot, the way the image will run it: the S3 client with its model, endpoint
    # rules, paginators and waiters, and a TLS context from the CA bundle botocore would verify with
    subprocess.run(["/usr/sbin/chroot", OUT, "/usr/bin/python3", "-c", SELF_TEST],
                   check=True, env={"PYTHONHOME": "/usr", "PATH": "/usr/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"})
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(OUT) for f in fs
                if not os.path.islink(os.path.join(dp, f)))
    print("tiny: %d traced modules, %d .pyc in %s (%d bytes), %d sourceless .pyc, %d data files, %d ELF files + %d libs, rootfs %d bytes"
          % (len(mods), npy, ZIPNAME, os.path.getsize(zpath), nfs, len(set(data)) + 1, len(elf), len(libs), total))


SELF_TEST = """
import flask, boto3, ssl, sys, botocore.httpsession
s3 = boto3.session.Session(region_name='us-east-1').client('s3')
s3.get_paginator('list_objects_v2'); s3.get_waiter('bucket_exists')
url = s3.meta.endpoint_url; assert url == 'https://s3.amazonaws.com', url
ca = ssl.create_default_context(cafile=botocore.httpsession.get_cert_path(True)).cert_store_stats()['x509_ca']
if ca < 100: sys.exit('CA bundle has %d certificates' % ca)
print('tiny self-test ok', len(sys.modules), 'modules,', ca, 'CA certificates')
"""


if __name__ == "__main__":
    main()
