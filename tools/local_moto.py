"""Local Cognito/SSM (moto's server) that resets on update like AWS does.

Run with the project venv's python (scripts/venv):

    .venv/bin/python tools/local_moto.py [--port N] [--verbose]

Binds 127.0.0.1 (port chosen by the OS unless --port), prints exactly one line
`LISTENING <port>` on stdout, then serves until stdin reaches EOF (so it dies
with the process holding the pipe) or it gets SIGTERM/SIGINT.

    .venv/bin/python tools/local_moto.py --zygote SOCKET

is how the tests and the local stack start servers (crates/local-aws
src/moto.rs): one process imports and warms moto once (about 2 s of CPU, most
of a server's start) and listens on the Unix socket SOCKET; each connection
gets a forked, fresh server. The client sends one line, the path of the
server's log (its stderr), and reads `LISTENING <port>`; the server runs until
the client hangs up, then exits (so its port is closed once the client reads
EOF). The zygote prints `READY` once it accepts connections (also when
another live zygote already holds SOCKET) and exits after IDLE seconds with
no server running and no connection.

Why the patch: AWS's UpdateUserPool / UpdateUserPoolClient set every setting
the request leaves out back to its default ("If you don't provide a value for
an attribute, Amazon Cognito sets it to its default value", API reference);
moto 5.2.5 merges the client update into the old settings, keeps the pool's
MfaConfiguration and drops the pool settings an update cannot change
(UsernameAttributes, AliasAttributes, UsernameConfiguration). It also refuses,
as Cognito does, a CreateUserPool or UpdateUserPool that carries both the
legacy AdminCreateUserConfig.UnusedAccountValidityDays and its successor
PasswordPolicy.TemporaryPasswordValidityDays. See docs/AWS-NOTES.md sections
2 and 7. Written against moto==5.2.5
(tools/requirements.txt); re-check on upgrade.
"""

from __future__ import annotations

import argparse
import copy
import errno
import logging
import os
import random
import signal
import socket
import sys
import threading
import time
from typing import Any

import botocore.session
from moto import backends
from moto.cognitoidp import models as cognito
from moto.core import responses as moto_responses
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random, moto_api_backend
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.test import Client

_MODEL = botocore.session.get_session().get_service_model("cognito-idp")


def _members(operation: str) -> frozenset[str]:
    return frozenset(_MODEL.operation_model(operation).input_shape.members)


# Members each update accepts (from botocore's model, so new API members are
# covered); the ids name the target and are not settings.
CLIENT_UPDATE_MEMBERS = _members("UpdateUserPoolClient") - {"UserPoolId", "ClientId"}
POOL_UPDATE_MEMBERS = _members("UpdateUserPool") - {"UserPoolId"}
# Set at creation and not changeable by UpdateUserPool, so AWS keeps them:
# AliasAttributes, UsernameAttributes, UsernameConfiguration. (Schema lives
# in schema_attributes and PoolName in .name, which the reset doesn't touch.)
POOL_CREATE_ONLY = _members("CreateUserPool") - POOL_UPDATE_MEMBERS - {"PoolName", "Schema"}

# What DescribeUserPoolClient shows for a client created with only a name.
# Same as moto's create (checked below) and as AWS per Terraform's acceptance
# test against a real account (terraform-provider-aws
# internal/service/cognitoidp/user_pool_client_test.go, _basic:
# refresh_token_validity 30, auth_session_validity 3, enable_token_revocation
# true, enable_propagate_additional_user_context_data false,
# allowed_oauth_flows_user_pool_client false; access/id token validity,
# token_validity_units and prevent_user_existence_errors all unset). The API
# reference agrees: refresh tokens default to 30 days, token revocation is on
# for new clients, AllowedOAuthFlowsUserPoolClient "defaults to false",
# AuthSessionValidity is 3..15 minutes (3 = the old fixed value).
FRESH_CLIENT = {
    "AllowedOAuthFlowsUserPoolClient": False,
    "AuthSessionValidity": 3,
    "EnablePropagateAdditionalUserContextData": False,
    "EnableTokenRevocation": True,
    "RefreshTokenValidity": 30,
}
# "The default unit for refresh tokens is days, and the default for ID and
# access tokens are hours" (API reference, TokenValidityUnits). AWS fills the
# units a request's TokenValidityUnits leaves out (same Terraform test file,
# _tokenValidityUnits_AccessToken).
DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}

# A fresh pool: moto's DEFAULT_USER_POOL_CONFIG plus what the API reference
# documents as the defaults moto leaves out. Both create and the reset below
# start from this dict. MfaConfiguration defaults to OFF (moto's create and
# the API reference), kept in pool.mfa_config, not here.
cognito.DEFAULT_USER_POOL_CONFIG.setdefault("DeletionProtection", "INACTIVE")
cognito.DEFAULT_USER_POOL_CONFIG.setdefault("UserPoolTier", "ESSENTIALS")


# Cognito's answer to a request carrying both validity members (docs/AWS-NOTES.md
# 2.2: aws/aws-sdk-js#3817 on create, pulumi/pulumi-aws-native#1256 on update;
# the Terraform AWS provider retries UpdateUserPool without the legacy member
# on exactly this message). The model: "When you set
# TemporaryPasswordValidityDays for a user pool, you can no longer set a value
# for the legacy UnusedAccountValidityDays parameter".
BOTH_VALIDITIES = (
    "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of "
    "UnusedAccountValidityDays"
)


def carries_both_validities(request: dict[str, Any]) -> bool:
    """Whether a CreateUserPool/UpdateUserPool request carries both members.

    Presence is what counts, whatever the value: nothing shows that Cognito
    reads an explicit 0 (which SDKs that always write the member send for
    "unset") as absent, so a 0 is refused like any other value.
    """
    admin = request.get("AdminCreateUserConfig")
    password = (request.get("Policies") or {}).get("PasswordPolicy")
    return (
        isinstance(admin, dict)
        and "UnusedAccountValidityDays" in admin
        and isinstance(password, dict)
        and "TemporaryPasswordValidityDays" in password
    )


def _fill_units(config: dict[str, Any]) -> None:
    if "TokenValidityUnits" in config:
        config["TokenValidityUnits"] = {**DEFAULT_UNITS, **config["TokenValidityUnits"]}


def _check_fresh_client_defaults() -> None:
    fresh = cognito.CognitoIdpUserPoolClient("check", False, None).extended_config
    if fresh != FRESH_CLIENT:
        raise SystemExit(f"local_moto.py: moto's new-client defaults changed: {fresh}")


def patch_cognito() -> None:
    backend = cognito.CognitoIdpBackend
    client_cls = cognito.CognitoIdpUserPoolClient
    orig_create_pool = backend.create_user_pool
    orig_create_client = backend.create_user_pool_client
    orig_client_json = client_cls.to_json

    def create_user_pool(self, name, extended_config):
        if carries_both_validities(extended_config):
            raise cognito.InvalidParameterException(BOTH_VALIDITIES)
        pool = orig_create_pool(self, name, extended_config)
        # moto keeps a create-time MfaConfiguration in extended_config too,
        # where it masks later SetUserPoolMfaConfig changes in Describe.
        pool.extended_config.pop("MfaConfiguration", None)
        return pool

    def update_user_pool(self, user_pool_id, extended_config):
        pool = self.describe_user_pool(user_pool_id)
        if carries_both_validities(extended_config):
            raise cognito.InvalidParameterException(BOTH_VALIDITIES)
        given = {k: v for k, v in extended_config.items() if k in POOL_UPDATE_MEMBERS}
        if "PoolName" in given:
            pool.name = given.pop("PoolName")
        kept = {k: pool.extended_config[k] for k in POOL_CREATE_ONLY if k in pool.extended_config}
        # update_extended_config starts from DEFAULT_USER_POOL_CONFIG: reset.
        pool.update_extended_config({**given, **kept})
        pool.mfa_config = pool.extended_config.pop("MfaConfiguration", None) or "OFF"
        pool.last_modified_date = utcnow()

    def create_user_pool_client(self, user_pool_id, generate_secret, extended_config):
        client = orig_create_client(self, user_pool_id, generate_secret, extended_config)
        _fill_units(client.extended_config)
        client.creation_date = client.last_modified_date = utcnow()
        return client

    def update_user_pool_client(self, user_pool_id, client_id, extended_config):
        client = self.describe_user_pool_client(user_pool_id, client_id)
        given = {k: v for k, v in extended_config.items() if k in CLIENT_UPDATE_MEMBERS}
        # AWS requires a name at create and has no default for it: an update
        # without ClientName keeps the name (UNVERIFIED in a real account).
        if "ClientName" not in given and "ClientName" in client.extended_config:
            given["ClientName"] = client.extended_config["ClientName"]
        client.extended_config = {**copy.deepcopy(FRESH_CLIENT), **given}
        _fill_units(client.extended_config)
        client.last_modified_date = utcnow()
        return client

    def client_to_json(self, extended=False):
        out = orig_client_json(self, extended)
        if extended and hasattr(self, "creation_date"):
            out["CreationDate"] = self.creation_date
            out["LastModifiedDate"] = self.last_modified_date
        return out

    _check_fresh_client_defaults()
    backend.create_user_pool = create_user_pool
    backend.update_user_pool = update_user_pool
    backend.create_user_pool_client = create_user_pool_client
    backend.update_user_pool_client = update_user_pool_client
    client_cls.to_json = client_to_json


def patch_username_case() -> None:
    """A pool created with UsernameConfiguration CaseSensitive false finds
    users by username ignoring case, as Cognito does ("users can sign in
    with any combination of capital and lowercase letters", API reference,
    UsernameConfigurationType); so AdminCreateUser of "carol" next to
    "Carol" is UsernameExistsException, and AdminGetUser/AdminDeleteUser
    find "Carol" as "carol". moto 5.2.5 matches the exact text only."""
    pool_cls = cognito.CognitoIdpUserPool
    orig_get_user = pool_cls._get_user

    def get_user(self, username):
        user = orig_get_user(self, username)
        config = self.extended_config.get("UsernameConfiguration") or {}
        if user is None and username and config.get("CaseSensitive") is False:
            folded = username.lower()
            user = next((u for name, u in self.users.items() if name and name.lower() == folded), None)
        return user

    pool_cls._get_user = get_user


def speed_up_dispatch() -> None:
    """Two things moto recomputes for every request, computed once: the list
    of its services (a listing of its package directory and a stat of each of
    some 180 folders, to route the request) and the methods of the service's
    response class (an `inspect.getmembers`). Neither changes while it runs;
    together they were about a fifth of a Cognito request's time (profiled,
    DescribeUserPool), and the functions' cold starts on the local emulators
    wait for them."""
    services = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: services
    method_names: dict[type, list[str]] = {}
    compute = moto_responses.method_names_from_class

    def cached_method_names(clazz: type) -> list[str]:
        if clazz not in method_names:
            method_names[clazz] = compute(clazz)
        return list(method_names[clazz])

    moto_responses.method_names_from_class = cached_method_names


def answer_without_nagle() -> None:
    """TCP_NODELAY on every connection, as AWS's endpoints answer: werkzeug
    writes a response's head and body apart, and without it the body can
    wait for the client's delayed ACK (40 ms on Linux)."""
    MotoRequestHandler.disable_nagle_algorithm = True


def warm() -> None:
    """Loads what a server's first Cognito and SSM requests load (moto's
    backends, SSM's pulls in EC2's: most of a start's CPU), by answering one
    of each in-process, then forgets the state they made (what
    POST /moto-api/reset does)."""
    client = Client(DomainDispatcherApplication(create_backend_app))
    for service, target, body in (
        ("cognito-idp", "AWSCognitoIdentityProviderService.ListUserPools", '{"MaxResults": 1}'),
        ("ssm", "AmazonSSM.GetParameter", '{"Name": "warm-up"}'),
    ):
        client.post(
            "/",
            data=body,
            headers={
                "Authorization": "AWS4-HMAC-SHA256 Credential=test/20200101/us-east-1/"
                f"{service}/aws4_request, SignedHeaders=host, Signature=0",
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": target,
            },
        )
    moto_api_backend.reset()


def serve_forked(conn: socket.socket) -> None:
    """In a forked child: one fresh server for the client on `conn`, until
    the client hangs up. Never returns."""
    try:
        request = b""
        while not request.endswith(b"\n"):
            chunk = conn.recv(4096)
            if not chunk:
                os._exit(0)
            request += chunk
        log = os.open(request.decode().strip(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(log, 2)
        os.close(log)
        # The fork copied the zygote's random state: each server draws its
        # own ids, as separate processes did.
        mock_random.seed()
        random.seed()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        conn.sendall(f"LISTENING {server.get_host_and_port()[1]}\n".encode())
        while conn.recv(65536):
            pass
    except BaseException as error:  # noqa: BLE001 - the client reads the log
        print(f"local_moto.py: forked server failed: {error!r}", file=sys.stderr, flush=True)
    # The port first, then the conversation: a client that reads EOF finds
    # the port closed.
    keep = conn.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
    os._exit(0)


def zygote_alive(path: str) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
        return True
    except OSError:
        return False
    finally:
        probe.close()


def zygote(path: str, idle: float) -> None:
    # The socket first: tests that start at once spawn one zygote each, and
    # all but the first find this one listening and leave before warming.
    # Connections wait in the backlog while it warms.
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(path)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        if zygote_alive(path):
            print("READY", flush=True)
            return
        # A stale socket file (its zygote was killed): take the path over.
        os.unlink(path)
        listener.bind(path)
    ours = os.stat(path).st_ino
    listener.listen(128)
    warm()
    listener.settimeout(1.0)
    print("READY", flush=True)
    # Whoever started us stops reading stdout after READY.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    children: set[int] = set()
    quiet_since = time.monotonic()
    while True:
        for pid in list(children):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
        if children:
            quiet_since = time.monotonic()
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if not children and time.monotonic() - quiet_since > idle:
                break
            continue
        quiet_since = time.monotonic()
        pid = os.fork()
        if pid == 0:
            listener.close()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            serve_forked(conn)
        children.add(pid)
        conn.close()
    listener.close()
    try:
        if os.stat(path).st_ino == ours:
            os.unlink(path)
    except FileNotFoundError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="default: any free port")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    parser.add_argument("--zygote", metavar="SOCKET", help="fork servers for clients of this Unix socket")
    parser.add_argument("--idle", type=float, default=30.0, help="zygote: seconds without servers before it exits")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.ERROR)

    patch_cognito()
    patch_username_case()
    speed_up_dispatch()
    answer_without_nagle()
    if args.zygote:
        zygote(args.zygote, args.idle)
        return
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    stop = threading.Event()

    def wait_for_eof() -> None:
        while sys.stdin.buffer.read1(65536):
            pass
        stop.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    print(f"LISTENING {server.get_host_and_port()[1]}", flush=True)
    while not stop.wait(0.5):
        pass
    server.stop()


if __name__ == "__main__":
    main()
