import sys, re
sys.path.insert(0,'/work/main')
from _shared import dev_pages
from classifier import Cleaner
for m in sys.argv[1:]:
    c=Cleaner.load(m)
    rs=[]; a=b=0
    for p in dev_pages():
        g=p['gold']; kept=c.clean(g).text
        x=len(re.sub(r'\s','',g)); y=len(re.sub(r'\s','',kept)); a+=x; b+=y
        rs.append(y/max(x,1))
    print(m, 'pages >=0.95: %.3f'%(sum(r>=0.95 for r in rs)/len(rs)), 'mean %.3f'%(sum(rs)/len(rs)), 'all chars %.3f'%(b/a))
