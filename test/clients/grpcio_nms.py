"""An NMS for interop tests, on Python's grpcio stack (not grpc-js).

It behaves the way Juniper's sample NMS is described in our spec: a TLS gRPC server with
ten worker threads serving jnx.jet.netconf.Ncgrpc; NcgrpcInitialize is held until an
operator asks for a session for that device; NcgrpcCommandGet finds its session by the
call's peer address and the conn_type invocation metadata.

The operator is the test: JSON lines on stdin, one object each:
  {"op": "request", "sid": S, "device_id": D, "secret": K, "type": "netconf"|"csh"}
  {"op": "send", "sid": S, "text": T}      one command (stripped, like a 1024-byte read)
  {"op": "close", "sid": S}                operator leaves: "<>"/"exit" with kill_signal 2
What happens is reported as JSON lines on stdout (field "event").

Usage: grpcio_nms.py --pb-dir DIR --cert FILE --key FILE [--port N]
"""
import argparse
import json
import queue
import sys
import threading
from concurrent import futures

STDOUT_LOCK = threading.Lock()


def report(event, **fields):
    fields["event"] = event
    line = json.dumps(fields)
    with STDOUT_LOCK:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


class Operator:
    """Session requests and commands from the test, shared by all handler threads."""

    def __init__(self):
        self.cond = threading.Condition()
        self.requests = []  # pending session requests, oldest first
        self.commands = {}  # sid -> queue of (text, kill_signal)
        self.types = {}  # sid -> requested session type

    def add_request(self, req):
        with self.cond:
            self.commands.setdefault(req["sid"], queue.Queue())
            self.types[req["sid"]] = req["type"]
            self.requests.append(req)
            self.cond.notify_all()

    def take_request(self, device_id, context):
        """Blocks until a request for device_id arrives, or the call is gone."""
        with self.cond:
            while context.is_active():
                for i, req in enumerate(self.requests):
                    if req["device_id"] == device_id:
                        return self.requests.pop(i)
                self.cond.wait(0.2)
        return None

    def command_queue(self, sid):
        with self.cond:
            return self.commands.setdefault(sid, queue.Queue())


class Ncgrpc:
    def __init__(self, pb, operator, port):
        self.pb = pb
        self.operator = operator
        self.port = port
        self.sessions = {}  # peer address -> session record, as the sample keys them
        self.lock = threading.Lock()

    def NcgrpcServerStatusGet(self, request, context):
        report("status", peer=context.peer())
        return self.pb.NcgrpcServerStatusGetResponse(status=self.pb.SUCCESS)

    def NcgrpcInitialize(self, request, context):
        peer = context.peer()
        md = dict(context.invocation_metadata())
        report("initialize", peer=peer, device_id=request.device_id, instance_id=str(request.instance_id), send_data=md.get("send_data"))
        while True:
            req = self.operator.take_request(request.device_id, context)
            if req is None:
                report("initialize-gone", peer=peer, device_id=request.device_id)
                return self.pb.NcgrpcInitializeResponse()
            if req["secret"] != request.secret_key:
                # Wrong secret: refuse this operator, keep the device's call waiting.
                report("auth-failed", sid=req["sid"], device_id=request.device_id)
                continue
            break
        kind = {"netconf": self.pb.NETCONF, "csh": self.pb.CSH}.get(req["type"])
        if kind is None:
            # Like the sample: an unknown type string makes the handler answer nothing,
            # which grpcio turns into INTERNAL "Failed to serialize response!".
            report("bad-type", sid=req["sid"], peer=peer)
            return None
        with self.lock:
            self.sessions[peer] = {"sid": req["sid"], "type": req["type"], "device_id": request.device_id}
        context.set_trailing_metadata((("port", str(self.port)), ("conn_type", req["type"])))
        report("initialized", sid=req["sid"], peer=peer, type=req["type"])
        return self.pb.NcgrpcInitializeResponse(session_type=kind)

    def NcgrpcCommandGet(self, request_iterator, context):
        peer = context.peer()
        md = dict(context.invocation_metadata())
        report("command-get", peer=peer, conn_type=md.get("conn_type"))
        # Same lookups as the sample: a missing key fails the stream with UNKNOWN.
        conn_type = md["conn_type"]
        with self.lock:
            session = self.sessions[peer]
        if conn_type not in ("netconf", "csh"):
            raise ValueError("unknown conn_type " + conn_type)
        sid = session["sid"]
        commands = self.operator.command_queue(sid)
        report("session", sid=sid, peer=peer, conn_type=conn_type)

        device_done = threading.Event()

        def read_device():
            try:
                for msg in request_iterator:
                    report("output", sid=sid, text=msg.message)
            except Exception as e:  # the call was cancelled or broke
                report("read-error", sid=sid, error=str(e))
            finally:
                device_done.set()

        reader = threading.Thread(target=read_device, daemon=True)
        reader.start()
        field = "netconf_command" if conn_type == "netconf" else "csh_command"
        try:
            while not device_done.is_set() and context.is_active():
                try:
                    text, kill = commands.get(timeout=0.1)
                except queue.Empty:
                    continue
                yield self.pb.NcgrpcCommandGetResponse(**{field: text, "kill_signal": kill})
                if kill:
                    # The operator left: wait for the device to half-close.
                    while not device_done.wait(0.2):
                        if not context.is_active():
                            break
                    break
        finally:
            with self.lock:
                if self.sessions.get(peer, {}).get("sid") == sid:
                    del self.sessions[peer]
            report("closed", sid=sid, peer=peer, device_half_closed=device_done.is_set())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pb-dir", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()

    sys.path.insert(0, args.pb_dir)
    import grpc
    import jnx_netconf_service_pb2 as pb
    import jnx_netconf_service_pb2_grpc as pb_grpc

    with open(args.cert, "rb") as f:
        cert = f.read()
    with open(args.key, "rb") as f:
        key = f.read()

    operator = Operator()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
    port = server.add_secure_port("127.0.0.1:%d" % args.port, grpc.ssl_server_credentials([(key, cert)]))
    pb_grpc.add_NcgrpcServicer_to_server(Ncgrpc(pb, operator, port), server)
    server.start()
    report("listening", port=port, grpc_version=grpc.__version__)

    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            cmd = json.loads(line)
            op = cmd["op"]
            if op == "request":
                operator.add_request(cmd)
            elif op == "send":
                operator.command_queue(cmd["sid"]).put((cmd["text"].strip(), 0))
            elif op == "close":
                q = operator.command_queue(cmd["sid"])
                q.put(("<>" if operator.types.get(cmd["sid"]) == "netconf" else "exit", 2))
            else:
                report("bad-op", line=line)
        except (ValueError, KeyError) as e:
            report("bad-op", line=line, error=str(e))
    # stdin closed: the test is done with us.
    server.stop(0).wait(5)
    report("stopped")


if __name__ == "__main__":
    main()
