import re
from django.core import mail
from strategy_portal.models import OutgoingEmail, User

def test_explore(client, db, django_capture_on_commit_callbacks):
    r = client.get("/konto/signup/")
    open("/tmp/scratch/signup.html","w").write(r.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/konto/signup/", {"email": "neu@example.org", "password1": "Sicheres-Passwort-2026", "password2": "Sicheres-Passwort-2026", "kind": "citizen", "privacy_consent": "on"})
    print(r.status_code, r.get("Location"))
    r2 = client.get(r["Location"])
    open("/tmp/scratch/sent.html","w").write(r2.content.decode())
    print(len(mail.outbox), [ (m.subject, m.to) for m in mail.outbox])
    m = mail.outbox[0]
    print(m.body); print(m.alternatives[0][0][:3000] if m.alternatives else None)
    print(OutgoingEmail.objects.values("status","subject","to"))
    url = re.search(r"http://\S+", m.body).group(0)
    print(url)
    r = client.get(url.replace("http://testserver",""))
    print(r.status_code)
    open("/tmp/scratch/confirm.html","w").write(r.content.decode())
    r = client.get("/konto/login/")
    open("/tmp/scratch/login.html","w").write(r.content.decode())
    r = client.get("/konto/password/reset/")
    open("/tmp/scratch/reset.html","w").write(r.content.decode())
