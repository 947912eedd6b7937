#!/usr/bin/env python3
"""Independent recount of the cleaning steps on the bundled data, with Python's standard library.

The expected figures in BundledDataIngestTest come from this script, not from the Spark code.
Run from the repository root: python3 scripts/independent-counts.py
"""
import csv
import glob
import gzip
import io
from datetime import datetime

SRC = "src/data/online-retail/*.csv.gz"
EXACT = {"POST", "D", "C2", "DOT", "M", "m", "BANK CHARGES", "S",
         "AMAZONFEE", "PADS", "CRUK", "B"}
PREFIXES = ("gift_0001_", "DCGS")
FMT = "%Y-%m-%d %H:%M:%S"
CUTOFF = datetime(2011, 10, 1)

lines_read = 0
with_customer = 0
seen = set()
dedup = []
for path in sorted(glob.glob(SRC)):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        rdr = csv.reader(fh)
        header = next(rdr)
        assert header == ["InvoiceNo", "StockCode", "Description", "Quantity",
                          "InvoiceDate", "UnitPrice", "CustomerID", "Country"], (path, header)
        for row in rdr:
            lines_read += 1
            if row[6] == "":
                continue
            with_customer += 1
            key = tuple(row)
            if key in seen:
                continue
            seen.add(key)
            dedup.append(row)
after_duplicates = len(dedup)
del seen

non_product = 0
purchases = []      # [cust, stock, date, qty, price, qc]
cancels = []        # (cust, stock, date, cq)
for inv, stock, desc, qty, date, price, cust, country in dedup:
    if stock in EXACT or stock.startswith(PREFIXES):
        non_product += 1
        continue
    q = int(qty)
    d = datetime.strptime(date, FMT)
    if inv.startswith("C") or q < 0:
        cancels.append((cust, stock, d, abs(q)))
    else:
        purchases.append([cust, stock, d, q, float(price), 0])

index = {}
for p in purchases:
    index.setdefault((p[0], p[1]), []).append(p)

matched = unmatched = 0
for cust, stock, d, cq in cancels:
    best = None
    for p in index.get((cust, stock), ()):
        if p[2] < d and p[3] >= cq and (best is None or (p[2], p[3], p[4]) > (best[2], best[3], best[4])):
            best = p
    if best is None:
        unmatched += 1
    else:
        matched += 1
        best[5] += cq

kept = len(purchases)
total_qc = 0
with_qc = 0
total_amount = 0.0
customers_before = set()
for cust, stock, d, q, price, qc in purchases:
    capped = min(qc, q)
    total_qc += capped
    if qc > 0:
        with_qc += 1
    total_amount += price * (q - capped)
    if d < CUTOFF:
        customers_before.add(cust)

out = [
    ("lines_read", lines_read),
    ("with_customer", with_customer),
    ("after_duplicates", after_duplicates),
    ("non_product", non_product),
    ("cancellation_matched", matched),
    ("cancellation_unmatched", unmatched),
    ("kept", kept),
    ("total_quantity_cancelled", total_qc),
    ("purchases_with_cancellation", with_qc),
    ("total_amount", f"{round(total_amount, 2):.2f}"),
    ("customers_before_cutoff", len(customers_before)),
]
for k, v in out:
    print(k, v)

parts = ((lines_read - with_customer) + (with_customer - after_duplicates)
         + non_product + matched + unmatched + kept)
diff = lines_read - parts
print("identity ok" if diff == 0 else f"identity mismatch diff {diff}")
