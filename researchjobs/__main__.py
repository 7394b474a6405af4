from researchjobs.cli import main

main()
