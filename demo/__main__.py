import sys

from demo.company import main

sys.exit(main())
