# Writes segment-bigbasket.jsonl: Segment track events (Product Viewed, Product Added, Order
# Completed) of 60 shoppers over real BigBasket products, categories written as Segment
# trackers write them ("Beauty & Hygiene/Hair Care"). Deterministic (seed 16).
import csv, json, random, datetime, hashlib, sys
random.seed(16)
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
by_sub = {}
for r in rows:
    try:
        if float(r["sale_price"]) <= 0: continue
    except ValueError:
        continue
    by_sub.setdefault((r["category"], r["sub_category"]), []).append(r)
subs = sorted(k for k, v in by_sub.items() if len(v) >= 20)
t0 = datetime.datetime(2021, 3, 1, 9, 0, tzinfo=datetime.timezone.utc)
events = []
def ev(user, name, t, props):
    mid = hashlib.sha256(f"{user}|{name}|{t.isoformat()}|{props.get('product_id', props.get('order_id'))}".encode()).hexdigest()[:24]
    return {"type": "track", "event": name, "userId": user, "messageId": mid,
            "timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "context": {"locale": "en-IN"}, "properties": props}
def product(r):
    return {"product_id": r["index"], "name": r["product"], "brand": r["brand"],
            "category": r["category"] + "/" + r["sub_category"], "price": float(r["sale_price"]), "currency": "INR"}
for u in range(60):
    user = f"bb-{u+1:03d}"
    t = t0 + datetime.timedelta(minutes=random.randrange(0, 600))
    first, second = random.sample(subs, 2)
    if u % 5 == 0:  # the case: a fifth of the shoppers move on to hair care
        first, second = random.choice([s for s in subs if s[1] != "Hair Care"]), ("Beauty & Hygiene", "Hair Care")
    for sub in (first, second):
        picks = random.sample(by_sub[sub], 4)
        for r in picks:
            t += datetime.timedelta(seconds=random.randrange(20, 120))
            events.append((t, ev(user, "Product Viewed", t, product(r))))
        if random.random() < 0.5:
            t += datetime.timedelta(seconds=30)
            events.append((t, ev(user, "Product Added", t, dict(product(picks[-1]), quantity=1))))
            if random.random() < 0.5:
                t += datetime.timedelta(seconds=90)
                p = dict(product(picks[-1]), quantity=1)
                events.append((t, ev(user, "Order Completed", t, {"order_id": f"o-{user}-{t.strftime('%H%M%S')}",
                    "revenue": p["price"], "currency": "INR", "products": [p]})))
        t += datetime.timedelta(minutes=random.randrange(5, 40))
events.sort(key=lambda e: (e[0], e[1]["userId"]))
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for _, e in events:
        f.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n")
