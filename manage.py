#!/usr/bin/env python
from tuopin.cli import main

if __name__ == "__main__":
    main()
