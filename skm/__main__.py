from skm.cli import main

main()
