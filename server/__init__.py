"""The dashboard's web server side (served by `asgi.py`): remembered sign-ins and compressed static assets.

Nothing here imports Streamlit, so that the routes and the token store can be tested over plain HTTP.
"""
