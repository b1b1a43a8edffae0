from ldncare.cli import main

main()
