# Summarises a JFR recording (jfr print --json) of bench/tls-probe/drains.sh: the scheduler watch's drains (its
# 50 us release parks in a row), their count and length, and the pinned-virtual-thread events.
import json,re,sys,collections
def ms(x):
    m=re.match(r'PT(?:(\d+)M)?([\d.]+)S',x); return (int(m.group(1) or 0)*60+float(m.group(2)))*1000
d=json.load(open(sys.argv[1]))['recording']['events']
ev=[];pinned=0;other=collections.Counter()
for e in d:
    if e['type']=='jdk.VirtualThreadPinned': pinned+=1; continue
    if e['type']!='jdk.ThreadPark': continue
    v=e['values']
    fr=v['stackTrace']['frames'] if v.get('stackTrace') else []
    if not any('watchUntilFailure' in f['method']['name'] for f in fr):
        other[fr[1]['method']['name'] if len(fr)>1 else '?']+=1; continue
    ev.append((v['startTime'], v['timeout']=='PT0.00005S', ms(v['duration'])))
ev.sort()
drains=[];cur=None
for t,dr,du in ev:
    if dr: cur=(cur or 0)+du+0.005
    elif cur is not None: drains.append(cur);cur=None
drains.sort();n=len(drains)
span=(len(ev) and 5.0)
if n: print('%s: drains %d (%.0f/s), length p50 %.2f p90 %.2f p99 %.1f max %.1f ms, draining %.0f ms of 5 s; >50ms: %d; pinned events %d'%(sys.argv[1],n,n/5,drains[n//2],drains[int(n*.9)],drains[int(n*.99)],drains[-1],sum(drains),sum(1 for x in drains if x>50),pinned))
else: print(sys.argv[1],'no drains; pinned',pinned)
