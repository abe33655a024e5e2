import signal
import threading

from django.core.management.base import BaseCommand

from tuopin.core.jobs import worker_loop


class Command(BaseCommand):
    help = "运行后台任务 (run background jobs from the database queue)"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args, once: bool, poll: float, **options):
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("后台任务进程已启动 (worker started)")
        ran = worker_loop(once=once, poll_seconds=poll, stop=stop)
        self.stdout.write(f"已运行 {ran} 个任务 (ran {ran} jobs)")
