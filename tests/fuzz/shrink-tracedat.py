#!/usr/bin/env python3
# Rewrite an uncompressed trace.dat v6 (trace-cmd convert --file-version 6
# --compression none) keeping only the event systems oomlens reads, no
# kallsyms and no printk formats; absolute offsets are shifted by a
# multiple of the page size so that the CPU data stays page aligned.
# Usage: trace-cmd convert -i X.dat -o v6.dat --file-version 6 --compression none
#        python3 tests/fuzz/shrink-tracedat.py v6.dat small.dat
# (makes tests/fuzz/corpus/fuzz-tracedat/seed-selfexit-v6-small.dat from samples/data/selfexit.dat)
# TINY=1: no ftrace formats, only the formats of the events oomlens decodes
# in its own code, and the first ring-buffer page of each CPU (a fuzz seed of
# a few pages: seed-selfexit-v6-tiny.dat).  PAGES=i,j,...: keep page i of
# the first CPU's data, j of the second's, ... instead of the first.
import os,struct,sys
KEEP={b'oom',b'sched',b'task',b'signal',b'mmap',b'kmem',b'mmap_lock',b'printk'}
TINY=os.environ.get('TINY')=='1'
EVENTS=None
if TINY:
    EVENTS={b'mark_victim',b'wake_reaper',b'start_task_reaping',b'finish_task_reaping',
            b'skip_task_reaping',b'sched_process_exit',b'sched_process_free',
            b'sched_process_fork',b'task_newtask',b'task_rename',b'signal_generate',
            b'rss_stat',b'mmap_lock_start_locking',b'mmap_lock_acquire_returned',
            b'mmap_lock_released'}
d=open(sys.argv[1],'rb').read()
out=bytearray(); p=0
def u(fmt):
    global p
    v=struct.unpack_from('<'+fmt,d,p)[0]; p+=struct.calcsize('<'+fmt); return v
p=d.index(b'\0',10)+1+2; page=u('I')
for name in (b'header_page\0',b'header_event\0'):
    p+=len(name); sz=u('Q'); p+=sz
n_at=p; n=u('I')
for i in range(n): sz=u('Q'); p+=sz
out+=d[:n_at]+struct.pack('<I',0) if TINY else d[:p]
ns=u('I'); systems=[]
for i in range(ns):
    e=d.index(b'\0',p); name=d[p:e]; start=p; p=e+1; ne=u('I'); evs=[]
    for j in range(ne):
        sz=u('Q'); text=d[p:p+sz]; p+=sz
        ev=text.split(b'\n',1)[0].split(b'name: ',1)[-1].strip()
        if EVENTS is None or ev in EVENTS: evs.append(struct.pack('<Q',sz)+text)
    if name in KEEP and evs:
        systems.append(d[start:e+1]+struct.pack('<I',len(evs))+b''.join(evs))
out+=struct.pack('<I',len(systems))+b''.join(systems)
ksz=u('I'); p+=ksz
psz=u('I'); p+=psz
cmd=b''
if TINY:       # the saved command lines of the oomhog and reaper tasks only
    csz=u('Q'); lines=d[p:p+csz].split(b'\n'); p+=csz
    text=b''.join(l+b'\n' for l in lines if b'oom' in l)
    cmd=struct.pack('<Q',len(text))+text
rest_start=p   # cmdlines (unless TINY), cpus, options, flyrecords, data
removed=rest_start-(len(out)+8+len(cmd))
pad=removed%page          # keep the shift a multiple of the page size
out+=struct.pack('<I',pad)+b'\n'*pad+struct.pack('<I',0)+cmd
delta=rest_start-len(out); assert delta%page==0
rest=bytearray(d[rest_start:])
def fix(off):   # shift one u64 absolute offset stored at file offset off
    v=struct.unpack_from('<Q',d,off)[0]
    if v: struct.pack_into('<Q',rest,off-rest_start,v-delta)
# options: BUFFER (3) offsets
p=rest_start
if not TINY: sz=u('Q'); p+=sz
cpus=u('I'); assert d[p:p+10]==b'options  \0'; p+=10
bufs=[]
while True:
    oid=u('H')
    if oid==0: break
    sz=u('I')
    if oid==3: fix(p); bufs.append(struct.unpack_from('<Q',d,p)[0])
    p+=sz
for fr in [p]+bufs:
    assert d[fr:fr+10]==b'flyrecord\0', fr
    for c in range(cpus): fix(fr+10+16*c)
if TINY:
    # the data starts at the first CPU offset; keep one page of each CPU
    regs=[]
    for fr in [p]+bufs:
        for c in range(cpus):
            o=fr-rest_start+10+16*c
            off,size=struct.unpack_from('<QQ',rest,o)
            if size: regs.append((o,off,size))
    start=min(off for _,off,_ in regs)          # new-file offset of the data
    head=rest[:start-len(out)]
    data=bytearray()
    pick=[int(x) for x in os.environ.get('PAGES','').split(',') if x]
    for i,(o,off,size) in enumerate(regs):
        skip=page*pick[i] if i<len(pick) and page*pick[i]<size else 0
        old_at=off-len(out)+skip                # offset inside rest
        size-=skip
        keep=min(size,page)
        struct.pack_into('<QQ',head,o,start+len(data),keep)
        data+=rest[old_at:old_at+keep]
    rest=head+data
out+=rest
open(sys.argv[2],'wb').write(out)
print(len(d),'->',len(out),'delta',delta)
