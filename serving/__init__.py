"""Serving a lecture hall: several replicas of the app behind HAProxy, rooms in Redis.

haproxy.py   the load balancer's configuration, written from the replicas' ports
hall.py      `make hall`: Redis, N replicas, HAProxy; Ctrl-C stops them all
"""
