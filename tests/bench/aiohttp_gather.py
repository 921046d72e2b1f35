#!/usr/bin/env python3
"""The seed pattern volley replaces: asyncio.Semaphore(limit) + asyncio.gather
with aiohttp.  Reads URLs (one per line) from FILE ('-' = stdin), fetches them
with at most --concurrency requests in flight, and prints one JSON line per
result, in input order: {"url", "status", "size"} (or "error" instead of
"status" on a transport error).  Exit status 1 if any request failed.

    python3 aiohttp_gather.py --concurrency 50 urls.txt > results.jsonl
"""
import argparse
import asyncio
import json
import sys

import aiohttp


async def fetch(session, sem, url):
    async with sem:
        try:
            async with session.get(url) as resp:
                body = await resp.read()
                return {"url": url, "status": resp.status, "size": len(body)}
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as e:
            return {"url": url, "status": None, "size": 0,
                    "error": f"{type(e).__name__}: {e}"}


async def main(args):
    src = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")
    with src:
        urls = [ln.strip() for ln in src if ln.strip() and not ln.startswith("#")]
    sem = asyncio.Semaphore(args.concurrency)
    # The pool is sized like the semaphore so neither is the hidden limit.
    conn = aiohttp.TCPConnector(limit=args.concurrency, limit_per_host=0,
                                ttl_dns_cache=300)
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    async with aiohttp.ClientSession(connector=conn, timeout=timeout) as session:
        results = await asyncio.gather(*(fetch(session, sem, u) for u in urls))
    out = sys.stdout
    bad = 0
    for r in results:
        if r["status"] is None or r["status"] >= 400:
            bad += 1
        out.write(json.dumps(r, separators=(",", ":")))
        out.write("\n")
    out.flush()
    return 1 if bad else 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--concurrency", "-c", type=int, default=50)
    p.add_argument("--timeout", type=float, default=30.0,
                   help="per-request total timeout, seconds (default 30)")
    p.add_argument("file", help="URL list, one per line ('-' = stdin)")
    a = p.parse_args()
    try:
        sys.exit(asyncio.run(main(a)))
    except BrokenPipeError:
        sys.exit(0)
