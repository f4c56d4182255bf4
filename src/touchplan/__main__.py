from touchplan.cli import main

main()
