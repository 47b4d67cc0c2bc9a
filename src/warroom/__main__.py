from warroom.cli.main import run

run()
