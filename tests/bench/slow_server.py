#!/usr/bin/env python3
"""Latency-bound fixture for tests/bench/run.sh (used when the repo's
tests/server/fixture is not built): GET /slow/<n> answers a small JSON object
after sleeping --delay seconds (default 0.1).  Listens on 127.0.0.1:PORT only,
prints "ready" on stdout once listening, and exits after --lifetime seconds
(default 900) so it can never outlive the benchmark.

    python3 slow_server.py PORT [--delay 0.1] [--lifetime 900]
"""
import argparse
import asyncio
import sys

from aiohttp import web


def make_app(delay):
    async def slow(request):
        n = request.match_info["n"]
        await asyncio.sleep(delay)
        return web.Response(
            text='{"id":%s,"name":"slow","delay_ms":%d,"ok":true}\n'
            % (n, round(delay * 1000)),
            content_type="application/json")

    app = web.Application()
    app.router.add_get(r"/slow/{n:\d+}", slow)
    return app


async def main(a):
    runner = web.AppRunner(make_app(a.delay), access_log=None,
                           handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", a.port, backlog=4096,
                       reuse_address=True)
    await site.start()
    print("ready", flush=True)
    try:
        await asyncio.sleep(a.lifetime)
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("port", type=int)
    p.add_argument("--delay", type=float, default=0.1)
    p.add_argument("--lifetime", type=float, default=900)
    args = p.parse_args()
    try:
        asyncio.run(main(args))
    except KeyboardInterrupt:
        sys.exit(0)
