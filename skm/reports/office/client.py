"""Run by a Python that has LibreOffice's ``uno`` module (Debian's python3 with python3-uno),
not by the application's: connects to the resident office at the pipe named by argv[1],
runs the layout macro (skm/reports/office/macro.py) on the file argv[2] and prints its JSON.
Exit 3: the office did not answer in argv[3] seconds; 4: the macro is not available (no
Python script provider in this LibreOffice).
"""

import sys
import time

import uno


def main() -> int:
    pipe, path, wait = sys.argv[1], sys.argv[2], float(sys.argv[3])
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + wait
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # NoConnectException: the office is still starting
            if time.monotonic() > deadline:
                return 3
            time.sleep(0.05)
    factory = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.script.provider.MasterScriptProviderFactory", context
    )
    try:
        script = factory.createScriptProvider("").getScript(
            "vnd.sun.star.script:skm_layout.py$paragraph_pages?language=Python&location=user"
        )
    except Exception as error:  # ScriptFrameworkErrorException
        print(error, file=sys.stderr)
        return 4
    result, _, _ = script.invoke((uno.systemPathToFileUrl(path),), (), ())
    sys.stdout.write(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
