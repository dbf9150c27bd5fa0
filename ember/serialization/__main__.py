"""``python -m ember.serialization verify FILE...`` checks checkpoints (every record's CRC-32,
the pickle readable with ``weights_only``; exit status 1 when one is damaged) and
``python -m ember.serialization inspect FILE`` lists a checkpoint's tensors (key path, dtype,
shape) without loading their data.  Neither runs code from the file."""
import argparse
import sys

from ._health import examine, inspect_text, verify_text


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m ember.serialization",
                                description="Check or list ember.save / torch.save checkpoints.")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("verify", help="check every record's CRC-32 and the pickle").add_argument(
        "files", nargs="+")
    sub.add_parser("inspect", help="list key paths, dtypes and shapes").add_argument("file")
    args = p.parse_args(argv)
    status = 0
    for f in [args.file] if args.command == "inspect" else args.files:
        try:
            report = examine(f, check=args.command == "verify")
        except OSError as e:
            print(f"{f}: {e.strerror or e}", file=sys.stderr)
            status = 2
            continue
        show = inspect_text if args.command == "inspect" else verify_text
        print("\n".join(show(f, report)))
        listed = args.command == "verify" or report.refused is None
        status = max(status, int(not (report.ok and listed)))
    return status


if __name__ == "__main__":
    sys.exit(main())
