"""Writes customers.csv: 300 seeded synthetic customers with numeric, categorical, boolean, date
and missing values, and a learnable binary target `churned`. Run: python3 gen_customers.py"""
import math
import random

r = random.Random(20261128)
rows = []
for i in range(300):
    age = r.randint(18, 80)
    plan = r.choices(["basic", "plus", "pro"], weights=[5, 3, 2])[0]
    region = r.choices(["north", "south", "east", "west", "islands"], weights=[30, 30, 20, 19, 1])[0]
    spend = {"basic": 20, "plus": 45, "pro": 90}[plan] + r.gauss(0, 8)
    calls = min(12, int(r.expovariate(0.6)))
    newsletter = r.random() < 0.4
    tenure = r.randint(1, 72)
    day = r.randint(0, 1000)
    y, m = 2022 + day // 365, 1 + (day % 365) // 31
    signup = f"{y}-{min(m, 12):02d}-{1 + day % 28:02d}"
    # Churn risk: many support calls, short tenure, basic plan, no newsletter.
    z = 0.7 * calls - 0.06 * tenure + (0.9 if plan == "basic" else -0.5) - (0.8 if newsletter else 0.0) + 0.3
    churned = r.random() < 1 / (1 + math.exp(-2.0 * z))
    row = [f"C{10000 + i}", signup, str(age), plan, region, f"{spend:.2f}", str(calls),
           "yes" if newsletter else "no", str(tenure), "yes" if churned else "no"]
    # Missing values in several spellings.
    if r.random() < 0.06:
        row[2] = r.choice(["", "NA", "?"])
    if r.random() < 0.05:
        row[4] = r.choice(["", "N/A"])
    if r.random() < 0.04:
        row[5] = ""
    rows.append(row)

with open("customers.csv", "w", newline="") as f:
    f.write("customer_id,signup_date,age,plan,region,monthly_spend,support_calls,newsletter,tenure_months,churned\n")
    for row in rows:
        f.write(",".join(row) + "\n")
