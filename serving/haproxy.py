"""HAProxy's configuration for a hall: one frontend, the replicas behind it.

sticky by cookie      LABSRV names the replica that holds a browser's session (never by
                      client IP: a lecture hall reaches the server from one NAT address)
websockets            pass through; `timeout tunnel` longer than a lecture
health checks         GET /_stcore/health every second; two misses and a replica is out
a replica lost        `option redispatch`: a browser whose cookie names it goes to another,
                      where its link (task, model, input, step, lecture) opens its view again
event streams         /_lecture/.../events are long responses too: `timeout server` is the
                      tunnel's, and nothing is buffered (HAProxy streams by default)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Backend:
    name: str  # the cookie's value for this replica
    port: int


def config(port: int, backends: list[Backend], stats_port: int | None = None) -> str:
    """The haproxy.cfg text: the hall on `port`, the replicas on 127.0.0.1."""
    servers = "\n".join(
        f"    server {b.name} 127.0.0.1:{b.port} check inter 1s fall 2 rise 1 cookie {b.name}"
        for b in backends
    )
    stats = (
        ""
        if stats_port is None
        else f"""
frontend stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /
"""
    )
    return f"""global
    maxconn 4096

defaults
    mode http
    option http-no-delay
    timeout connect 2s
    timeout client 2h
    timeout server 2h
    timeout tunnel 2h
    timeout http-request 30s
    retries 2
    option redispatch

frontend hall
    bind :{port}
    default_backend replicas
{stats}
backend replicas
    balance roundrobin
    cookie LABSRV insert indirect nocache
    option httpchk GET /_stcore/health
{servers}
"""
