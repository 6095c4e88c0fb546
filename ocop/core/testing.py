"""A real S3-API server for the object-storage tests and the storage bench (docs/file-storage.md).

moto's standalone server (``moto[s3]`` with Flask, requirements/test.txt) runs in its own
process on a free loopback port and speaks S3 over HTTP. It is started with IAM authentication
on (``INITIAL_NO_AUTH_ACTION_COUNT``): only the first three requests go unchecked, and they make
the user, its access key and its policy; every request after them must carry a valid AWS
Signature V4 of that key, and an anonymous one is refused, as on a private bucket in production.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from ocop.settings import s3_storage

# Unauthenticated requests the server allows at start: create user, access key, user policy.
SETUP_ACTIONS = 3
START_TIMEOUT = 30.0
MISSING = "moto[s3] and flask are not installed: pip install -r requirements/test.txt"


def s3_server_installed() -> bool:
    return all(importlib.util.find_spec(name) for name in ("moto", "flask", "flask_cors"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class S3Server:
    """``with S3Server() as server:`` a running server with one private bucket."""

    bucket: str = "ocop-test-files"
    region: str = "us-east-1"
    endpoint_url: str = ""
    access_key: str = ""
    secret_key: str = ""
    process: subprocess.Popen | None = None

    def __enter__(self) -> S3Server:
        port = _free_port()
        self.endpoint_url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(SETUP_ACTIONS)}
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter, loopback only
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            cwd=Path(__file__).resolve().parent)
        try:
            self._wait_until_listening(port)
            self._create_credentials_and_bucket()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def _wait_until_listening(self, port: int) -> None:
        # A bare TCP connect, not an HTTP probe: a request would use up a setup action.
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the S3 server exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the S3 server did not listen on port {port} in {START_TIMEOUT} s")

    def _create_credentials_and_bucket(self) -> None:
        iam = boto3.client("iam", endpoint_url=self.endpoint_url, region_name=self.region,
                           aws_access_key_id="setup", aws_secret_access_key="setup")  # noqa: S106
        iam.create_user(UserName="ocop")
        key = iam.create_access_key(UserName="ocop")["AccessKey"]
        iam.put_user_policy(UserName="ocop", PolicyName="ocop-files", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        self.access_key, self.secret_key = key["AccessKeyId"], key["SecretAccessKey"]
        self.client().create_bucket(Bucket=self.bucket)

    def client(self, *, secret_key: str | None = None) -> Any:
        """A boto3 S3 client with the app's key (or a wrong secret, to show it is checked)."""
        return boto3.client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))

    def storage_settings(self) -> dict:
        """The ``default`` entry of STORAGES that ``STORAGE_BACKEND=s3`` with this server's
        ``S3_*`` variables gives (ocop.settings.s3_storage)."""
        return s3_storage(endpoint_url=self.endpoint_url, bucket=self.bucket,
                          access_key=self.access_key, secret_key=self.secret_key,
                          region=self.region)

    def object_keys(self) -> set[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return {obj["Key"] for page in pages for obj in page.get("Contents", ())}

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()
