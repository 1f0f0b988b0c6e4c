#!/usr/bin/env python3
# Writes a dmesg log (argv[1]) as people actually have it: every variant
# of tests/t-kmsg-any.sh, one file each in argv[2] (VARIANT.log).  The
# conversions are what the tools and transports do: dmesg -T in several
# locales, syslog/rsyslog templates, the journal's outputs, mail quoting,
# quoted-printable, wrapping, numbering, pastes without stamps.
import json, os, quopri, re, sys, textwrap, time

src, out = sys.argv[1], sys.argv[2]
BOOT = 1795000000
lines = []
for l in open(src, encoding="utf-8", errors="replace").read().split("\n"):
    m = re.match(r"^\[ *(\d+)\.(\d+)\] ?(.*)$", l)
    if m:
        lines.append((int(m.group(1)), int(m.group(2)), m.group(3)))

def stamp(s, us):
    return "[%5d.%06d]" % (s, us)

# dmesg -T as glibc prints "%a %b %e %H:%M:%S %Y" in these locales
LOC = {
    "de": (["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
           ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"]),
    "fr": (["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
           ["janv.", "févr.", "mars", "avril", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]),
    "ru": (["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"],
           ["янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]),
    "zh": (["一", "二", "三", "四", "五", "六", "日"],
           ["%d月" % i for i in range(1, 13)]),
    "en": (["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
           ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]),
}

def tm(s):
    return time.gmtime(BOOT + s)

def dmesg_T(loc, s):
    t = tm(s); wd, mo = LOC[loc]
    return "[%s %s %2d %02d:%02d:%02d %d]" % (wd[t.tm_wday], mo[t.tm_mon - 1], t.tm_mday,
                                             t.tm_hour, t.tm_min, t.tm_sec, t.tm_year)

def syslog(loc, s):
    t = tm(s); mo = LOC[loc][1]
    return "%s %2d %02d:%02d:%02d" % (mo[t.tm_mon - 1], t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)

def iso(s, us):
    return time.strftime("%Y-%m-%dT%H:%M:%S", tm(s)) + ".%06d+00:00" % us

V = {}
V["dmesg"] = ["%s %s" % (stamp(s, us), m) for s, us, m in lines]
V["bare"] = [m for s, us, m in lines]
V["quoted"] = ["> > " + l for l in V["dmesg"]]
V["quoted-bare"] = [">" + (" " + m if m else "") for s, us, m in lines]
V["indented"] = ["    " + m for m in V["bare"]]
V["tab-dmesg"] = ["\t" + l for l in V["dmesg"]]
V["numbered"] = ["%4d | %s" % (i + 1, l) for i, l in enumerate(V["dmesg"])]
V["numbered-bare"] = ["%d: %s" % (i + 1, l) for i, l in enumerate(V["bare"])]
V["fenced"] = ["Here is what dmesg said:", "", "```"] + V["bare"] + ["```", "", "Any idea?"]
for loc in LOC:
    V["dmesg-T-" + loc] = ["%s %s" % (dmesg_T(loc, s), m) for s, us, m in lines]
V["syslog-fr"] = ["%s myhost kernel: %s %s" % (syslog("fr", s), stamp(s, us), m) for s, us, m in lines]
V["syslog-collapsed"] = [re.sub(" +", " ", "%s myhost kernel: %s" % (syslog("en", s), m)) for s, us, m in lines]
V["rsyslog-template"] = ["err|kernel[-]|%s %s" % (stamp(s, us), m) for s, us, m in lines]
V["kernel-colon"] = ["kernel: %s %s" % (stamp(s, us), m) for s, us, m in lines]
V["rfc3339"] = ["%s myhost kernel: %s" % (iso(s, us), m) for s, us, m in lines]
V["caller-id"] = ["%s[T%d] %s" % (stamp(s, us), 1000 + i % 7, m) for i, (s, us, m) in enumerate(lines)]
V["priority"] = ["<4>%s %s" % (stamp(s, us), m) for s, us, m in lines]
V["serial-80"] = [("%s %s" % (stamp(s, us), m)).ljust(80) for s, us, m in lines]
V["crlf"] = [l + "\r" for l in V["dmesg"]]
V["short-unix"] = ["%d.%06d myhost kernel: %s" % (BOOT + s, us, m) for s, us, m in lines]
V["short-delta"] = ["[%5d.%06d <    0.000010>] myhost kernel: %s" % (s, us, m) for s, us, m in lines]
V["short-precise"] = ["%s.%06d myhost kernel: %s" % (syslog("en", s), us, m) for s, us, m in lines]
V["short-full"] = ["%s myhost kernel: %s" % (time.strftime("%a %Y-%m-%d %H:%M:%S UTC", tm(s)), m)
                   for s, us, m in lines]
V["journal-cat"] = V["bare"]
ent = [{"__REALTIME_TIMESTAMP": str((BOOT + s) * 1000000 + us),
        "__MONOTONIC_TIMESTAMP": str(s * 1000000 + us + 7),
        "_SOURCE_MONOTONIC_TIMESTAMP": str(s * 1000000 + us),
        "_TRANSPORT": "kernel", "SYSLOG_IDENTIFIER": "kernel", "PRIORITY": "4",
        "MESSAGE": m} for s, us, m in lines]
V["journal-json"] = [json.dumps(e, ensure_ascii=False) for e in ent]
V["journal-json-pretty"] = json.dumps(ent[0], indent=8).split("\n") + \
    sum([json.dumps(e, indent=8).split("\n") for e in ent[1:]], [])
V["journal-export"] = sum([["__CURSOR=s=1;i=%x" % i] + ["%s=%s" % kv for kv in e.items()] + [""]
                           for i, e in enumerate(ent)], [])
# rsyslog: a record with newlines in it ("#012"), three kernel lines per record
rec = []
for i in range(0, len(lines), 3):
    grp = lines[i:i + 3]
    s, us, m = grp[0]
    rec.append("%s myhost kernel: %s" % (syslog("en", s), "#012".join(x[2] for x in grp)))
V["rsyslog-012"] = rec
# wrapping: a terminal (80 columns, cut anywhere), a mail client (72, at
# spaces only, dropping the space; a word longer than a line stays whole)
V["wrapped-80"] = sum([[l[i:i + 80] for i in range(0, max(len(l), 1), 80)] for l in V["dmesg"]], [])
V["wrapped-bare-80"] = sum([[l[i:i + 80] for i in range(0, max(len(l), 1), 80)] for l in V["bare"]], [])
V["mail-wrapped"] = sum([textwrap.wrap(l, 72, break_long_words=False, break_on_hyphens=False,
                                       drop_whitespace=True) or [""]
                         for l in V["dmesg"]], [])

for k, v in V.items():
    with open(os.path.join(out, k + ".log"), "w", encoding="utf-8") as f:
        f.write("\n".join(v) + "\n")
# quoted-printable mail body, quoted once
qp = quopri.encodestring(("\n".join(V["dmesg"]) + "\n").encode()).decode()
with open(os.path.join(out, "quoted-printable.log"), "w") as f:
    f.write(qp)
print(" ".join(sorted(list(V) + ["quoted-printable"])))
