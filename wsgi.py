from hrbpo import create_app

app = create_app()
