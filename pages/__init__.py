"""The pages of the app (app.py runs them through st.navigation; see ui/navigation.py)."""
